"""The load bench's world: a sector built through the application's own services, and
the check afterwards that every write the server acknowledged is in the database.

Used by bench/load.py; the schema is made by the real migrations (`db upgrade`) in a
PostgreSQL schema of its own, dropped at the end.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from compliance import PROJECT_ROOT, create_app
from compliance.assessments.models import Answer, AnswerEvidence, Assessment
from compliance.assessments.services import save_answer, submit_assessment
from compliance.audit import AuditEvent, verify_chain
from compliance.campaigns.services import create_campaign
from compliance.evidence.models import Evidence
from compliance.evidence.storage import path_for
from compliance.extensions import db
from compliance.manual.loader import load_manual
from compliance.manual.services import import_manual
from compliance.members.enterprise_number import make_enterprise_number
from compliance.members.services import create_member
from compliance.reviews.models import RequirementVerdict
from compliance.users.services import create_user

PASSWORD = "load bench password 2026"
ACTIVITIES = ["orthoses", "insoles", "employees"]


def schema_url(database_url: str, schema: str) -> str:
    """The database URL with every connection's search_path set to ``schema``."""
    url = make_url(database_url)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}) \
        .render_as_string(hide_password=False)


def recreate_schema(database_url: str, schema: str, *, drop_only: bool = False) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        if not drop_only:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()


def bench_environ(instance: Path, url: str) -> dict[str, str]:
    """Production settings, but cookies over plain HTTP on 127.0.0.1."""
    return {"COMPLIANCE_ENV": "production", "COMPLIANCE_INSTANCE": str(instance),
            "DATABASE_URL": url, "SECRET_KEY": "s" * 48, "AUDIT_KEY": "a" * 48,
            "SESSION_COOKIE_SECURE": "false", "EVIDENCE_DIR": str(instance / "evidence"),
            "BASE_URL": "http://127.0.0.1", "MAIL_FROM": "bench@example.org",
            "MAIL_TRANSPORT": "outbox"}


@dataclass
class World:
    """Who acts on what: e-mails → the ids they need."""

    members: dict[str, dict] = field(default_factory=dict)  # e-mail → assessment, chapters
    consultants: dict[str, list[dict]] = field(default_factory=dict)  # e-mail → assessments
    staff: list[str] = field(default_factory=list)


def build_world(app: Flask, *, filling: int, reviewed: int, consultants: int,
                staff: int) -> World:
    """``filling`` workshops fill in their assessment (two users each), ``reviewed`` ones
    have submitted theirs to the consultants (two each); staff follow the sector."""
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        version = import_manual(load_manual(PROJECT_ROOT / "checklists" / "mdr-cmd")).version
        members = [create_member(code=f"LOAD-{n:02d}", name=f"Workshop {n:02d}",
                                 enterprise_number=make_enterprise_number(f"{7_000_000 + n:08d}"),
                                 region=("flanders", "wallonia", "brussels")[n % 3],
                                 activities=ACTIVITIES) for n in range(filling + reviewed)]
        campaign = create_campaign(title="Load 2026", manual_version=version,
                                   due_date=date(2027, 6, 30),
                                   mode="all", values=[], carry_over=False, actor=None)
        world = World()
        by_member = {a.member_id: a for a in campaign.assessments}
        filling, reviewed = members[:filling], members[filling:]
        for member in filling:
            for role in ("member_manager", "member_contributor"):
                email = f"{role.split('_')[1]}.{member.code.lower()}@load.example"
                _user(email, role, member=member)
                world.members[email] = _assessment_facts(by_member[member.id])
        for member in reviewed:
            _submitted(by_member[member.id], member)
        for n in range(consultants):
            assigned = [reviewed[n % len(reviewed)], reviewed[(n + 1) % len(reviewed)]]
            email = f"consultant.{n:02d}@load.example"
            _user(email, "consultant", assigned=assigned)
            world.consultants[email] = [_assessment_facts(by_member[m.id]) for m in assigned]
        for n in range(staff):
            world.staff.append(_user(f"staff.{n:02d}@load.example", "staff").email)
        db.session.commit()
        return world


def _user(email: str, role: str, *, member=None, assigned=None):  # noqa: ANN001
    user, _ = create_user(email=email, name=email.split("@")[0].replace(".", " ").title(),
                          role=role, member=member, password=PASSWORD, locale="en",
                          assigned_members=assigned)
    return user


def _assessment_facts(assessment: Assessment) -> dict:
    chapters = sorted({a.requirement.chapter.key for a in assessment.answers if a.included})
    return {"id": assessment.id, "chapters": chapters}


def _submitted(assessment: Assessment, member) -> None:  # noqa: ANN001
    manager = _user(f"manager.{member.code.lower()}@load.example", "member_manager",
                    member=member)
    for n, answer in enumerate(a for a in assessment.answers if a.included):
        save_answer(answer, status=("compliant", "partial")[n % 2], justification=None,
                    comment=None, revision=answer.revision, actor=manager)
    submit_assessment(assessment, actor=manager)


def bench_app(instance: Path, url: str) -> Flask:
    return create_app(environ=bench_environ(instance, url))


# --- after the run: is every acknowledged write there? ---------------------------------------

@dataclass
class Write:
    kind: str  # "answer", "verdict", "upload"
    target: int  # answer id
    values: dict  # what was sent (answer/verdict fields), or {"sha256": ..., "member": id}
    revision: int | None = None  # as the server answered (saves)


def check_writes(app: Flask, writes: list[Write]) -> list[str]:
    """Every acknowledged write, with its exact value, its audit event and (uploads)
    its file of the right hash; the newest acknowledged save is the stored value."""
    with app.app_context():
        lost = _check_saves(writes, "answer", Answer, "answer.saved") + \
            _check_saves(writes, "verdict", RequirementVerdict, "verdict.saved") + \
            _check_uploads(app, [w for w in writes if w.kind == "upload"])
        chain = verify_chain()
        if not chain.ok:
            lost.append(f"audit chain broken: {chain.reason}")
        return lost


def _check_saves(writes: list[Write], kind: str, model, action: str) -> list[str]:  # noqa: ANN001
    mine = [w for w in writes if w.kind == kind]
    if not mine:
        return []
    verdict_answers = dict(db.session.execute(
        select(RequirementVerdict.id, RequirementVerdict.answer_id)).all())
    events: dict[int, Counter] = defaultdict(Counter)
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)):
        answer_id = event.object_id if kind == "answer" else verdict_answers[event.object_id]
        events[answer_id][_key(event.after)] += 1
    stored = {_answer_id(row, kind): row for row in db.session.scalars(select(model))}
    problems, newest = [], {}
    for write in mine:
        key = _key(write.values)
        if events[write.target][key] <= 0:
            problems.append(f"{kind} on answer {write.target} {write.values}: no audit event")
        events[write.target][key] -= 1
        if write.revision and write.revision > newest.get(write.target, (0, None))[0]:
            newest[write.target] = (write.revision, write)
    for answer_id, (revision, write) in newest.items():
        row = stored.get(answer_id)
        if row is None or row.revision != revision or \
                any(getattr(row, k) != v for k, v in write.values.items()):
            problems.append(f"{kind} on answer {answer_id}: stored "
                            f"{row.snapshot() if row else None}, acknowledged {write.values} "
                            f"at revision {revision}")
    return problems


def _answer_id(row, kind: str) -> int:  # noqa: ANN001
    return row.id if kind == "answer" else row.answer_id


def _key(values: dict) -> tuple:
    return tuple(sorted((k, values.get(k)) for k in ("status", "comment", "verdict")
                        if k in values))


def _check_uploads(app: Flask, uploads: list[Write]) -> list[str]:
    root, problems = Path(app.config["EVIDENCE_DIR"]), []
    linked = {(row.sha256, answer_id) for row, answer_id in db.session.execute(
        select(Evidence, AnswerEvidence.answer_id).join(AnswerEvidence))}
    audited = Counter(event.after["sha256"] for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "evidence.uploaded")))
    for write in uploads:
        sha256 = write.values["sha256"]
        path = path_for(root, sha256)
        if (sha256, write.target) not in linked:
            problems.append(f"upload {sha256[:12]} on answer {write.target}: no evidence row")
        if audited[sha256] <= 0:
            problems.append(f"upload {sha256[:12]}: no audit event")
        audited[sha256] -= 1
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
            problems.append(f"upload {sha256[:12]}: the file is missing or altered")
    return problems
