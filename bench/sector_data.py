"""A synthetic sector for benchmarks and query-count tests, built with bulk inserts.

``generate_sector(1000)`` builds, inside an app context on an empty schema (only the
manual may already be there: importing the same manual again changes nothing):

- the shipped manual (``checklists/mdr-cmd``, 152 requirements in 13 chapters), imported
  with the real service;
- N members ``SYN-0001``... with valid, distinct Belgian enterprise numbers, spread over
  the three regions and over typical activity profiles, one manager each, and a few
  consultants (one per 40 members) each assigned a share of the members;
- one campaign on that manual asking every member, one assessment per member in a spread
  of states, and one answer per requirement (included by the member's profile, with
  ``compliance.profile.applies``; a few taken back in with a justification);
- answers as the states imply: none in ``not_started``, some in ``in_progress``, every
  included one from ``submitted`` on;
- for assessments under or after pre-audit: a pre-audit row, verdicts (some for
  ``in_pre_audit``, every included answer for ``pre_audited``) that follow the self
  assessment, and one corrective action per non-conformity of a pre-audited one (due 30
  or 90 days after the sign-off, so some are overdue; statuses spread);
- the stored scores (``AssessmentScore``: one overall row plus one per chapter, as
  ``compliance.reviews.scores.refresh_scores`` stores them), computed with the real
  ``compliance.scoring.score`` on items built in memory, for the assessments the app
  would have scored: those submitted at least once (including in-progress ones that were
  sent back).

Rows are written with ``insert(Model)`` and lists of dicts (one executemany per table;
the ids later rows need are read back by natural key), not one ORM object at a time and
not through the services: no audit events are written. Every user's password is
``PASSWORD`` (one hash, made once with the app's Argon2 parameters). Deterministic for a
given ``seed`` (dates are relative to ``today``).

As in the app, a ``submitted`` assessment has no verdicts yet (the first verdict moves it
to ``in_pre_audit``, reviews/services.py ``save_verdict``), and an assessment never
submitted has no stored scores (they are first stored on submission).

    from bench.sector_data import generate_sector
    with app.app_context():
        campaign_id = generate_sector(1000)   # about 11 s on SQLite, 40 members 0.5 s
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from compliance import PROJECT_ROOT
from compliance.actions.models import ActionStatus, CorrectiveAction
from compliance.assessments.models import Answer, Assessment, State, Status
from compliance.auth.models import Role, User
from compliance.auth.passwords import hash_password
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.manual.loader import load_manual
from compliance.manual.models import Requirement
from compliance.manual.services import import_manual
from compliance.members.enterprise_number import make_enterprise_number
from compliance.members.models import ConsultantAssignment, Member, Region
from compliance.profile import applies
from compliance.reviews.models import AssessmentScore, PreAudit, RequirementVerdict, Verdict
from compliance.scoring import ScoreItem, score

SHIPPED_MANUAL = PROJECT_ROOT / "checklists" / "mdr-cmd"
PASSWORD = "synthetic sector 2026"
MEMBERS_PER_CONSULTANT = 40
ACTION_DAYS = {Verdict.MAJOR_NC.value: 30, Verdict.MINOR_NC.value: 90}  # as reviews.services

REGIONS = ((Region.FLANDERS.value, 55), (Region.WALLONIA.value, 30), (Region.BRUSSELS.value, 15))
LOCALES = {Region.FLANDERS.value: ["nl"], Region.WALLONIA.value: ["fr"],
           Region.BRUSSELS.value: ["fr", "nl", "en"]}
# Typical workshops; each may get one more activity at random.
PROFILES = (
    ["orthoses", "insoles", "employees"],
    ["orthoses", "prostheses", "cad_cam", "employees"],
    ["footwear", "insoles"],
    ["orthoses"],
    ["compression", "distributor"],
    ["seating", "distributor", "employees"],
    ["prostheses", "employees"],
    ["insoles", "cad_cam"],
    ["orthoses", "compression", "distributor", "employees"],
    ["prostheses", "implantable", "employees"],
)
EXTRA_ACTIVITIES = ("employees", "distributor", "cad_cam", "compression", "insoles")
STATES = ((State.NOT_STARTED.value, 15), (State.IN_PROGRESS.value, 35),
          (State.SUBMITTED.value, 15), (State.IN_PRE_AUDIT.value, 10),
          (State.PRE_AUDITED.value, 25))
# Members differ: some keep their system well, some struggle. Per tier: its share, the
# weights of the self-assessed statuses, and factors on the consultant's major_nc and
# minor_nc weights below; so readiness after pre-audit spreads over ready (strong, fair),
# nearly ready (patchy: many minor findings, no major one) and not ready (open majors).
STRONG = ((Status.COMPLIANT.value, 82), (Status.PARTIAL.value, 8),
          (Status.NOT_COMPLIANT.value, 3), (Status.NOT_APPLICABLE.value, 7))
AVERAGE = ((Status.COMPLIANT.value, 64), (Status.PARTIAL.value, 16),
           (Status.NOT_COMPLIANT.value, 10), (Status.NOT_APPLICABLE.value, 10))
WEAK = ((Status.COMPLIANT.value, 45), (Status.PARTIAL.value, 25),
        (Status.NOT_COMPLIANT.value, 22), (Status.NOT_APPLICABLE.value, 8))
TIERS = {"strong": (30, STRONG, 0.0, 1.0), "fair": (20, AVERAGE, 0.0, 1.0),
         "patchy": (20, WEAK, 0.0, 3.0), "average": (15, AVERAGE, 0.3, 1.0),
         "weak": (15, WEAK, 1.0, 1.0)}
FACTOR = {Verdict.MAJOR_NC.value: 2, Verdict.MINOR_NC.value: 3}  # where in a tier
# The consultant mostly agrees with the member's own answer.
VERDICTS_FOR = {
    Status.COMPLIANT.value: ((Verdict.CONFORM.value, 82), (Verdict.OBSERVATION.value, 10),
                             (Verdict.MINOR_NC.value, 6), (Verdict.MAJOR_NC.value, 2)),
    Status.PARTIAL.value: ((Verdict.CONFORM.value, 15), (Verdict.OBSERVATION.value, 30),
                           (Verdict.MINOR_NC.value, 45), (Verdict.MAJOR_NC.value, 10)),
    Status.NOT_COMPLIANT.value: ((Verdict.CONFORM.value, 5), (Verdict.MINOR_NC.value, 55),
                                 (Verdict.MAJOR_NC.value, 40)),
    Status.NOT_APPLICABLE.value: ((Verdict.NOT_APPLICABLE.value, 85),
                                  (Verdict.CONFORM.value, 15)),
}
ACTION_STATUSES = ((ActionStatus.OPEN.value, 35), (ActionStatus.IN_PROGRESS.value, 25),
                   (ActionStatus.DONE.value, 15), (ActionStatus.VERIFIED.value, 25))
FIRST_PRE_AUDITED = [s for s, _ in STATES].index(State.PRE_AUDITED.value)
REVIEWED = (State.SUBMITTED.value, State.IN_PRE_AUDIT.value, State.PRE_AUDITED.value)
NAME_FORMS = ("Orthopedie", "Atelier orthopédique", "Bandagisterie", "Orthopédie technique",
              "Schoentechniek", "Orthopedietechniek", "Podologie & orthèses")
SURNAMES = ("Peeters", "Janssens", "Maes", "Dubois", "Lambert", "Mertens", "Dupont",
            "Claes", "Goossens", "Wouters", "Leclercq", "Martin", "Willems", "Renard",
            "De Smet", "Lejeune", "Vermeulen", "Jacobs", "Simon", "Michel")
CITIES = {Region.FLANDERS.value: ("Gent", "Antwerpen", "Brugge", "Leuven", "Hasselt"),
          Region.WALLONIA.value: ("Liège", "Namur", "Charleroi", "Mons", "Arlon"),
          Region.BRUSSELS.value: ("Bruxelles", "Ixelles", "Schaerbeek", "Uccle")}


def generate_sector(members: int, *, manual_path: Path = SHIPPED_MANUAL, seed: int = 0,
                    today: date | None = None) -> int:
    """Build the sector described in the module docstring; returns the campaign id.

    Commits. The first five members take the five states in turn, the first three the
    three regions, and the fifth (pre-audited) was signed off 200 days ago with its first
    corrective action still open: even a small sector shows every state and region and
    an overdue action.
    """
    if members < 1:
        raise ValueError("a sector needs at least one member")
    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.combine(today, time(12), tzinfo=UTC)
    session = db.session

    version = import_manual(load_manual(manual_path)).version
    requirements = session.scalars(select(Requirement).where(
        Requirement.manual_version_id == version.id).order_by(Requirement.position)).all()
    password_hash = hash_password(PASSWORD)

    # Members, their managers, the consultants and their assignments.
    firsts = rng.sample(range(2_000_000, 20_000_000), members)  # distinct first eight digits
    member_rows = []
    for i in range(members):
        region = REGIONS[i][0] if i < len(REGIONS) else _pick(rng, REGIONS)
        activities = list(PROFILES[i % len(PROFILES)])
        if rng.random() < 0.3:
            extra = rng.choice(EXTRA_ACTIVITIES)
            activities += [] if extra in activities else [extra]
        member_rows.append({
            "code": f"SYN-{i + 1:04d}",
            "name": f"{rng.choice(NAME_FORMS)} {rng.choice(SURNAMES)} "
                    f"{rng.choice(CITIES[region])}",
            "enterprise_number": make_enterprise_number(f"{firsts[i]:08d}"),
            "region": region, "activities": activities,
            "created_at": now - timedelta(days=rng.randint(30, 2000)),
        })
    codes = [row["code"] for row in member_rows]
    _insert(Member, member_rows)
    member_ids = _in_order(_ids(Member.code, Member.code.like("SYN-%")), codes)
    _insert(User, [{
        "email": f"manager.{row['code'].lower()}@sector.example",
        "name": f"Manager {row['code']}", "password_hash": password_hash,
        "role": Role.MEMBER_MANAGER.value, "member_id": member_id,
        "locale": rng.choice(LOCALES[row["region"]]), "active": True,
        "password_changed_at": row["created_at"], "created_at": row["created_at"],
    } for row, member_id in zip(member_rows, member_ids, strict=True)])
    manager_ids = _in_order(
        _ids(User.member_id, User.role == Role.MEMBER_MANAGER.value), member_ids)
    consultants = max(1, members // MEMBERS_PER_CONSULTANT)
    emails = [f"consultant.{n + 1:02d}@sector.example" for n in range(consultants)]
    _insert(User, [{
        "email": emails[n], "name": f"Consultant {n + 1:02d}",
        "password_hash": password_hash, "role": Role.CONSULTANT.value, "member_id": None,
        "locale": rng.choice(["fr", "nl"]), "active": True, "password_changed_at": now,
    } for n in range(consultants)])
    consultant_ids = _in_order(_ids(User.email, User.email.like("consultant.%")), emails)
    consultant_of = [consultant_ids[i % consultants] for i in range(members)]
    _insert(ConsultantAssignment, [
        {"consultant_id": consultant_id, "member_id": member_id, "assigned_at": now}
        for member_id, consultant_id in zip(member_ids, consultant_of, strict=True)])

    # The campaign and one assessment per member.
    campaign_id = session.scalar(insert(Campaign).values(
        title=f"Sector self-assessment {today.year}", manual_version_id=version.id,
        due_date=today + timedelta(days=30), created_by_id=None,
        selection={"mode": "all", "values": []}, carry_over=False,
        created_at=now - timedelta(days=120)).returning(Campaign.id))
    states = [STATES[i][0] if i < len(STATES) else _pick(rng, STATES) for i in range(members)]
    tiers = [TIERS[_pick(rng, tuple((name, tier[0]) for name, tier in TIERS.items()))]
             for _ in range(members)]
    verdicts_for = [{status: tuple((v, w * tier[FACTOR[v]] if v in FACTOR else w)
                                   for v, w in weights)
                     for status, weights in VERDICTS_FOR.items()} for tier in tiers]
    assessment_rows = []
    sent_back = []
    for i, state in enumerate(states):
        returned = state == State.IN_PROGRESS.value and rng.random() < 0.2
        sent_back.append(returned)
        submitted = state in REVIEWED or returned
        assessment_rows.append({
            "campaign_id": campaign_id, "member_id": member_ids[i], "state": state,
            "state_changed_at": now - timedelta(days=rng.randint(0, 60)),
            "previous_id": None,
            "submitted_at": now - timedelta(days=rng.randint(20, 110)) if submitted else None,
            "submitted_by_id": manager_ids[i] if submitted else None,
            "return_reason": "Please justify the exclusions of chapter 7." if returned
            else None,
            "created_at": now - timedelta(days=120),
        })
    _insert(Assessment, assessment_rows)
    assessment_ids = _in_order(
        _ids(Assessment.member_id, Assessment.campaign_id == campaign_id), member_ids)
    in_campaign = select(Assessment.id).where(Assessment.campaign_id == campaign_id)

    # One answer per requirement.
    answer_rows: list[dict[str, Any]] = []
    for i in range(members):
        state, activities = states[i], member_rows[i]["activities"]
        if state == State.NOT_STARTED.value:
            answered_share = 0.0
        elif state == State.IN_PROGRESS.value and not sent_back[i]:
            answered_share = rng.uniform(0.05, 0.95)
        else:
            answered_share = 1.0
        for requirement in requirements:
            applicable = applies(requirement.applies_to, activities)
            taken_in = not applicable and rng.random() < 0.03
            included = applicable or taken_in
            status = _pick(rng, tiers[i][1]) if included and rng.random() < answered_share \
                else None
            answer_rows.append({
                "assessment_id": assessment_ids[i], "requirement_id": requirement.id,
                "requirement_key": requirement.key, "chapter_id": requirement.chapter_id,
                "position": requirement.position, "applicable_by_profile": applicable,
                "included": included,
                "inclusion_justification": "We make these too." if taken_in else None,
                "status": status,
                "justification": "Not done in this workshop."
                if status == Status.NOT_APPLICABLE.value else None,
                "comment": "See the procedure binder." if status and rng.random() < 0.1
                else None,
                "to_confirm": False, "text_changed": False, "revision": 1,
                "updated_at": now - timedelta(days=rng.randint(1, 100)) if status else None,
                "updated_by_id": manager_ids[i] if status else None,
            })
    _insert(Answer, answer_rows)
    answer_id_of = _ids((Answer.assessment_id, Answer.requirement_id),
                        Answer.assessment_id.in_(in_campaign))
    answer_ids = [answer_id_of[row["assessment_id"], row["requirement_id"]]
                  for row in answer_rows]

    # Pre-audits and verdicts.
    per_assessment = len(requirements)
    pre_audit_rows, verdict_rows, verdict_answer = [], [], []
    signed_on: dict[int, date] = {}
    for i, state in enumerate(states):
        if state not in (State.IN_PRE_AUDIT.value, State.PRE_AUDITED.value):
            continue
        done = state == State.PRE_AUDITED.value
        if done:
            signed_on[i] = today - timedelta(days=200 if i == FIRST_PRE_AUDITED
                                             else rng.randint(0, 240))
        pre_audit_rows.append({
            "assessment_id": assessment_ids[i], "consultant_id": consultant_of[i],
            "started_at": now - timedelta(days=rng.randint(1, 20)) if not done
            else datetime.combine(signed_on[i], time(9), tzinfo=UTC) - timedelta(days=7),
            "completed_at": datetime.combine(signed_on[i], time(17), tzinfo=UTC) if done
            else None,
            "signed_by_name": f"Consultant {consultant_ids.index(consultant_of[i]) + 1:02d}"
            if done else None,
            "signed_on": signed_on.get(i),
        })
        share = 1.0 if done else rng.uniform(0.1, 0.9)
        for n in range(i * per_assessment, (i + 1) * per_assessment):
            row = answer_rows[n]
            if not row["included"] or rng.random() >= share:
                continue
            verdict = _pick(rng, verdicts_for[i][row["status"]])
            verdict_rows.append({
                "answer_id": answer_ids[n], "verdict": verdict,
                "reason": "Outsourced to a certified supplier."
                if verdict == Verdict.NOT_APPLICABLE.value else None,
                "comment": f"Finding on {row['requirement_key']}: record incomplete."
                if verdict in ACTION_DAYS else None,
                "change_request": None, "revision": 1, "updated_at": now,
                "updated_by_id": consultant_of[i],
            })
            verdict_answer.append(n)
    _insert(PreAudit, pre_audit_rows)
    _insert(RequirementVerdict, verdict_rows)
    verdict_id_of = _ids(RequirementVerdict.answer_id, RequirementVerdict.answer_id.in_(
        select(Answer.id).where(Answer.assessment_id.in_(in_campaign))))
    verdict_ids = [verdict_id_of[row["answer_id"]] for row in verdict_rows]

    # One corrective action per non-conformity of a pre-audited assessment.
    action_rows = []
    verdict_of: dict[int, str] = {}
    action_status_of: dict[int, str] = {}
    for verdict_id, row, n in zip(verdict_ids, verdict_rows, verdict_answer, strict=True):
        verdict_of[n] = row["verdict"]
        i = n // per_assessment
        if row["verdict"] not in ACTION_DAYS or i not in signed_on:
            continue
        status = _pick(rng, ACTION_STATUSES) if action_rows or i != FIRST_PRE_AUDITED \
            else ActionStatus.OPEN.value
        action_status_of[n] = status
        signed = datetime.combine(signed_on[i], time(17), tzinfo=UTC)
        done_at = signed + timedelta(days=rng.randint(1, 60)) \
            if status in (ActionStatus.DONE.value, ActionStatus.VERIFIED.value) else None
        action_rows.append({
            "verdict_id": verdict_id, "assessment_id": assessment_ids[i],
            "member_id": member_ids[i], "requirement_key": answer_rows[n]["requirement_key"],
            "severity": row["verdict"], "description": row["comment"],
            "owner_id": manager_ids[i],
            "due_date": signed_on[i] + timedelta(days=ACTION_DAYS[row["verdict"]]),
            "status": status, "closure_note": "Procedure updated." if done_at else None,
            "done_at": min(done_at, now) if done_at else None,
            "verified_at": min(done_at + timedelta(days=5), now)
            if status == ActionStatus.VERIFIED.value else None,
            "verified_by_id": consultant_of[i] if status == ActionStatus.VERIFIED.value
            else None,
            "reopen_reason": None, "revision": 1, "created_at": signed,
        })
    _insert(CorrectiveAction, action_rows)

    # Stored scores, for the assessments the app has scored (submitted at least once).
    criticality = {r.id: r.criticality for r in requirements}
    score_rows = []
    for i, state in enumerate(states):
        if state not in REVIEWED and not sent_back[i]:
            continue
        items = []
        for n in range(i * per_assessment, (i + 1) * per_assessment):
            row = answer_rows[n]
            if not row["included"]:
                continue
            verdict = verdict_of.get(n)
            items.append(ScoreItem(
                key=row["requirement_key"], chapter=str(row["chapter_id"]),
                criticality=criticality[row["requirement_id"]],
                self_status=row["status"], verdict=verdict,
                nc_open=action_status_of.get(n) != ActionStatus.VERIFIED.value))
        card = score(items)
        score_rows.append({
            "assessment_id": assessment_ids[i], "chapter_id": None,
            "self_score": card.self_score, "consultant_score": card.consultant_score,
            "readiness": card.readiness.value if card.readiness else None,
            "open_major": card.open_major})
        score_rows.extend({
            "assessment_id": assessment_ids[i], "chapter_id": int(chapter),
            "self_score": chapter_score.self_score,
            "consultant_score": chapter_score.consultant_score,
            "readiness": None, "open_major": 0}
            for chapter, chapter_score in card.chapters.items())
    _insert(AssessmentScore, score_rows)
    session.commit()
    return campaign_id


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _insert(model: type[db.Model], rows: list[dict[str, Any]]) -> None:
    """One bulk INSERT: ``executemany`` of ``rows``.

    ``render_nulls``: without it the ORM leaves out the None values, so rows with None in
    different columns make different statements, run in small batches (80,000 of them).
    """
    if rows:
        db.session.execute(insert(model).execution_options(render_nulls=True), rows)


def _ids(key: Any, where: Any) -> dict[Any, int]:  # noqa: ANN401
    """The new rows' ids by a natural key (a column, or a tuple of columns).

    Read back rather than taken from ``INSERT ... RETURNING``: SQLAlchemy's sorted
    RETURNING splices each batch into the result so far: quadratic, minutes for 150,000
    rows.
    """
    columns = key if isinstance(key, tuple) else (key,)
    table = columns[0].class_
    rows = db.session.execute(select(*columns, table.id).where(where))
    if isinstance(key, tuple):
        return {tuple(row[:-1]): row[-1] for row in rows}
    return {value: id_ for value, id_ in rows}


def _in_order(ids: dict[Any, int], keys: list[Any]) -> list[int]:
    return [ids[key] for key in keys]


def summary() -> dict[str, int]:
    """Row counts of the generated tables (for reports)."""
    from sqlalchemy import func

    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Member, User, Assessment, Answer, RequirementVerdict,
                          CorrectiveAction, AssessmentScore)}

