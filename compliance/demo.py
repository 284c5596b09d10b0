"""compliance demo: the manual and a small demo association, loaded idempotently.

Running it again creates nothing twice and changes nothing a demo user changed. The
demo password is not in the code: DEMO_PASSWORD, or one generated once and kept in
the instance folder.
"""

from __future__ import annotations

import io
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import click
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask.cli import with_appcontext
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from compliance import FILES_ROOT, clock
from compliance.actions.models import CorrectiveAction
from compliance.actions.services import complete_action, start_action, verify_action
from compliance.assessments.services import link_evidence, save_answer, submit_assessment
from compliance.auth.models import Role, User
from compliance.campaigns.models import Campaign
from compliance.campaigns.services import create_campaign
from compliance.errors import DomainError
from compliance.evidence.services import upload_evidence
from compliance.extensions import db
from compliance.manual.loader import ManualInvalid, load_manuals
from compliance.manual.models import ManualVersion
from compliance.manual.services import import_manuals
from compliance.members.enterprise_number import make_enterprise_number
from compliance.members.models import Member
from compliance.members.queries import member_by_code
from compliance.members.services import create_member
from compliance.reminders.duties import record_duty
from compliance.reviews.services import complete_pre_audit, save_verdict
from compliance.users.services import create_user

MANUAL_PATH = FILES_ROOT / "checklists" / "mdr-cmd"
CAMPAIGN_TITLE = "Self-assessment 2026"
NEW_VERSION_TITLE = "Self-assessment 2026 — manual 2026.2"


@dataclass(frozen=True)
class DemoMember:
    code: str
    name: str
    first_eight: str
    region: str
    activities: tuple[str, ...]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role
    member: str | None = None
    locale: str | None = None
    assigned: tuple[str, ...] = ()


MEMBERS = (
    DemoMember("DEMO-A", "Orthopedie Demo Gent", "04567890", "flanders",
               ("orthoses", "insoles", "footwear", "cad_cam", "employees")),
    DemoMember("DEMO-B", "Atelier Orthopédique Démo Namur", "07123456", "wallonia",
               ("prostheses", "orthoses", "compression", "distributor")),
)
USERS = (
    DemoUser("manager.a@demo.example", "An Peeters", Role.MEMBER_MANAGER, "DEMO-A", "nl"),
    DemoUser("contributor.a@demo.example", "Bram Claes", Role.MEMBER_CONTRIBUTOR, "DEMO-A", "nl"),
    DemoUser("manager.b@demo.example", "Claire Dubois", Role.MEMBER_MANAGER, "DEMO-B", "fr"),
    DemoUser("contributor.b@demo.example", "David Lambert", Role.MEMBER_CONTRIBUTOR, "DEMO-B",
             "fr"),
    DemoUser("consultant@demo.example", "Eva Janssens", Role.CONSULTANT,
             assigned=("DEMO-A", "DEMO-B")),
    DemoUser("staff@demo.example", "Frank Maes", Role.STAFF),
    DemoUser("admin@demo.example", "Greta Willems", Role.ADMIN, locale="en"),
)


def demo_password() -> str:
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    path = Path(current_app.instance_path) / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(Member.id))) and \
        not db.session.scalar(select(func.count(User.id)))


def load_demo(password: str, manual_path: Path = MANUAL_PATH) -> list[str]:
    """Create what is missing of the demo; returns what was created."""
    created: list[str] = []
    versions = _import_manual_versions(manual_path, created)
    for spec in MEMBERS:
        if member_by_code(spec.code) is None:
            create_member(code=spec.code, name=spec.name,
                          enterprise_number=make_enterprise_number(spec.first_eight),
                          region=spec.region, activities=list(spec.activities))
            created.append(f"member {spec.code}")
    for spec in USERS:
        if db.session.scalar(select(User.id).where(User.email == spec.email)) is None:
            create_user(email=spec.email, name=spec.name, role=spec.role,
                        member=member_by_code(spec.member) if spec.member else None,
                        password=password, locale=spec.locale,
                        assigned_members=[member_by_code(code) for code in spec.assigned])
            created.append(f"user {spec.email}")
    if db.session.scalar(select(Campaign.id).where(Campaign.title == CAMPAIGN_TITLE)) is None:
        demo_campaign(versions[0])
        created.append(f"campaign {CAMPAIGN_TITLE}")
    created += demo_new_version(versions[-1])
    return created


def _import_manual_versions(manual_path: Path, created: list[str]) -> list[ManualVersion]:
    """Every version of the manual, oldest first: the demo's first campaign uses the
    oldest, and DEMO-A then moves to the newest."""
    versions = []
    for result in import_manuals(load_manuals(manual_path)):
        versions.append(result.version)
        if result.created:
            created.append(f"manual {result.version.manual_key} {result.version.version}")
    return versions


def demo_new_version(version: ManualVersion) -> list[str]:
    """DEMO-A moves to the newest manual version: a campaign on it for DEMO-A alone,
    carrying the answers of its assessment on the older version over (to confirm);
    DEMO-B stays in its campaign on the older version, untouched."""
    if db.session.scalar(select(Campaign.id).where(Campaign.title == NEW_VERSION_TITLE)) \
            or db.session.scalar(select(Campaign.id).where(Campaign.manual_version_id
                                                           == version.id)):
        return []
    member = member_by_code("DEMO-A")
    create_campaign(title=NEW_VERSION_TITLE, manual_version=version,
                    due_date=clock.today() + timedelta(days=90), mode="members",
                    values=[str(member.id)], carry_over=True,
                    actor=_user("staff@demo.example"))
    return [f"campaign {NEW_VERSION_TITLE}"]


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def demo_campaign(version) -> None:  # noqa: ANN001
    """An open campaign: DEMO-A about half answered with evidence, DEMO-B submitted."""
    staff = _user("staff@demo.example")
    campaign = create_campaign(title=CAMPAIGN_TITLE, manual_version=version,
                               due_date=clock.today() + timedelta(days=45), mode="all",
                               values=[], carry_over=False, actor=staff)
    by_member = {a.member.code: a for a in campaign.assessments}
    _answer(by_member["DEMO-A"], _user("manager.a@demo.example"), share=0.5)
    manager_b = _user("manager.b@demo.example")
    _answer(by_member["DEMO-B"], manager_b, share=1.0)
    submit_assessment(by_member["DEMO-B"], actor=manager_b)
    _pre_audit(by_member["DEMO-B"], _user("consultant@demo.example"), manager_b)
    manager_a = _user("manager.a@demo.example")
    for key, months_ago in (("MGT-01", 11), ("MGT-02", 13), ("INF-04", 6), ("BEL-03", 12)):
        record_duty(by_member["DEMO-A"].member, key,
                    clock.today() - relativedelta(months=months_ago), actor=manager_a,
                    today=clock.today())


DEMO_TEXTS = {
    "nl": {"not_applicable": "Geen activiteit van dit type in ons atelier.",
           "partial": "Opgevolgd in het kwaliteitsoverleg."},
    "fr": {"not_applicable": "Aucune activité de ce type dans notre atelier.",
           "partial": "Suivi lors de la réunion qualité.",
           "verdict_na": "Confirmé : aucune activité de ce type.",
           "observation": "La procédure existe mais n'est pas suivie partout.",
           "minor_nc": "Enregistrement incomplet pour deux dossiers.",
           "major_nc": "Aucune preuve que cela soit fait.",
           "closure": "Procédure adaptée et formation donnée."},
    "en": {"not_applicable": "No activity of this kind in our workshop.",
           "partial": "Followed up in the quality meeting."},
}
VERDICT_CYCLE = ("conform", "conform", "conform", "observation", "conform", "minor_nc",
                 "conform", "conform", "major_nc", "conform", "conform", "minor_nc")


def _pre_audit(assessment, consultant: User, manager: User) -> None:  # noqa: ANN001
    """A completed pre-audit with findings of each severity and actions in several states."""
    for i, answer in enumerate(a for a in assessment.answers if a.included):
        verdict = VERDICT_CYCLE[i % len(VERDICT_CYCLE)]
        if answer.status == "not_applicable":
            verdict = "not_applicable"
        texts = DEMO_TEXTS["fr"]  # DEMO-B works in French
        save_verdict(answer, verdict=verdict, revision=None, actor=consultant,
                     reason=texts["verdict_na"] if verdict == "not_applicable" else None,
                     comment=texts.get(verdict), change_request=None)
    complete_pre_audit(assessment, signed_by_name=consultant.name,
                       signed_on=clock.today() - timedelta(days=40), actor=consultant)
    actions = db.session.scalars(select(CorrectiveAction).where(
        CorrectiveAction.assessment_id == assessment.id).order_by(CorrectiveAction.id)).all()
    steps = ["open", "in_progress", "done", "verified", "open", "in_progress"]
    for action, step in zip(actions, steps, strict=False):
        if step != "open":
            start_action(action, actor=manager)
        if step in ("done", "verified"):
            complete_action(action, closure_note=DEMO_TEXTS["fr"]["closure"],
                            evidence=[], actor=manager)
        if step == "verified":
            verify_action(action, actor=consultant)


STATUS_CYCLE = ("compliant", "compliant", "partial", "compliant", "not_compliant",
                "compliant", "not_applicable")
DEMO_FILES = {
    "nl": (("Kwaliteitshandboek", "kwaliteitshandboek.pdf", "Kwaliteitshandboek — versie 3"),
           ("Aanstelling PRRC", "aanstelling-prrc.pdf", "Aanstelling van de PRRC"),
           ("Verzekeringsattest 2026", "verzekering-2026.pdf",
            "Attest burgerlijke aansprakelijkheid")),
    "fr": (("Manuel qualité", "manuel-qualite.pdf", "Manuel qualité — version 3"),
           ("Désignation du PRRC", "designation-prrc.pdf", "Désignation du PRRC"),
           ("Attestation d'assurance 2026", "assurance-2026.pdf",
            "Attestation responsabilité civile")),
}


def _answer(assessment, actor: User, share: float) -> None:  # noqa: ANN001
    included = [a for a in assessment.answers if a.included]
    files = [upload_evidence(assessment.member, filename=name, stream=io.BytesIO(_pdf(text)),
                             title=title, document_date=clock.today() - timedelta(days=90),
                             expiry_date=clock.today() + timedelta(days=20 + 200 * i),
                             version_note=None, actor=actor)
             for i, (title, name, text) in enumerate(DEMO_FILES[actor.locale or "nl"])]
    for i, answer in enumerate(included[: round(len(included) * share)]):
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        texts = DEMO_TEXTS[actor.locale or "en"]
        save_answer(answer, status=status, revision=answer.revision, actor=actor,
                    justification=texts["not_applicable"] if status == "not_applicable" else None,
                    comment=texts["partial"] if status == "partial" else None)
        if i % 5 == 0:
            link_evidence(answer, files[i // 5 % len(files)], actor=actor)


def _pdf(text: str) -> bytes:
    """A small real PDF, so demo evidence downloads and opens like any other."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(text)
    page.drawString(72, 770, text)
    page.drawString(72, 750, "Demo document — MDR compliance")
    page.save()
    return buffer.getvalue()


def accounts_text(password: str) -> str:
    width = max(len(u.email) for u in USERS)
    lines = ["Demo accounts (password for all: " + password + "):"]
    for spec in USERS:
        where = f" of {spec.member}" if spec.member else ""
        if spec.assigned:
            where = f" assigned to {', '.join(spec.assigned)}"
        lines.append(f"  {spec.email.ljust(width)}  {spec.role.value}{where}")
    return "\n".join(lines)


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True,
              help="Load only into an empty database (members and users); print the accounts.")
def demo_command(if_empty: bool) -> None:
    """Load the manual and the demo association (idempotent; development only)."""
    if current_app.config["COMPLIANCE_ENV"] != "development":
        raise click.ClickException("the demo loads only when COMPLIANCE_ENV=development: it "
                                   "creates accounts with one shared password")
    password = demo_password()
    if if_empty and not database_is_empty():
        if db.session.scalar(select(User.id).where(User.email == USERS[0].email)):
            click.echo(accounts_text(password))
        else:
            click.echo("the database already holds data: demo not loaded")
        return
    try:
        created = load_demo(password)
    except (DomainError, ManualInvalid) as exc:
        db.session.rollback()
        raise click.ClickException(f"demo not loaded: {exc}") from None
    db.session.commit()
    click.echo(f"demo: created {len(created)} objects" if created
               else "demo: already loaded; nothing changed")
    click.echo(accounts_text(password))
