"""compliance demo: the manual and a small demo association, loaded idempotently.

Running it again creates nothing twice and changes nothing a demo user changed. The
demo password is not in the code: DEMO_PASSWORD, or one generated once and kept in
the instance folder.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from compliance import FILES_ROOT, clock
from compliance.auth.models import Role, User
from compliance.campaigns.models import Campaign
from compliance.campaigns.services import create_campaign
from compliance.demo.story import (
    CAMPAIGN_TITLE,
    EARLIER_TITLE,
    HISTORY_DAYS,
    JOINED,
    days_ago,
    earlier_campaign,
    this_campaign,
    user,
)
from compliance.devices.demo import add_demo_statements
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual.loader import ManualInvalid, load_manuals
from compliance.manual.models import ManualVersion
from compliance.manual.services import import_manuals
from compliance.members.enterprise_number import make_enterprise_number
from compliance.members.models import Member
from compliance.members.queries import member_by_code
from compliance.members.services import assign_consultants, create_member
from compliance.users.services import create_user

MANUAL_PATH = FILES_ROOT / "checklists" / "mdr-cmd"
NEW_VERSION_TITLE = "Self-assessment 2026 — manual 2026.2"
NEW_VERSION_TITLES = {"fr": "Auto-évaluation 2026 — manuel 2026.2",
                      "nl": "Zelfevaluatie 2026 — handboek 2026.2", "en": NEW_VERSION_TITLE}


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
    DemoMember("DEMO-C", "Atelier Démo Bruxelles — sièges et compression", "02345678",
               "brussels", ("seating", "compression", "orthoses")),
)
USERS = (
    DemoUser("manager.a@demo.example", "An Peeters", Role.MEMBER_MANAGER, "DEMO-A", "nl"),
    DemoUser("contributor.a@demo.example", "Bram Claes", Role.MEMBER_CONTRIBUTOR, "DEMO-A", "nl"),
    DemoUser("manager.b@demo.example", "Claire Dubois", Role.MEMBER_MANAGER, "DEMO-B", "fr"),
    DemoUser("contributor.b@demo.example", "David Lambert", Role.MEMBER_CONTRIBUTOR, "DEMO-B",
             "fr"),
    DemoUser("manager.c@demo.example", "Hélène Martin", Role.MEMBER_MANAGER, "DEMO-C", "fr"),
    DemoUser("consultant@demo.example", "Eva Janssens", Role.CONSULTANT,
             assigned=("DEMO-A", "DEMO-B", "DEMO-C")),
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
    """Create what is missing of the demo; returns what was created. The association
    is set up when its history starts (the audit trail reads in order of time)."""
    created: list[str] = []
    with days_ago(HISTORY_DAYS):
        versions = _import_manual_versions(manual_path, created)
        created += _members_and_users(password, HISTORY_DAYS)
    if db.session.scalar(select(Campaign.id).where(Campaign.title == CAMPAIGN_TITLE)) is None:
        earlier_campaign(versions[0])  # first: the later assessments carry over, not these
        for days in sorted(set(JOINED.values()), reverse=True):  # in this year's campaign
            with days_ago(days):
                created += _members_and_users(password, days)
        this_campaign(versions[0])
        created += [f"campaign {EARLIER_TITLE}", f"campaign {CAMPAIGN_TITLE}"]
        for spec in MEMBERS:  # six months of deliveries sent by the practice program
            add_demo_statements(member_by_code(spec.code), clock.today())
        created.append("device statements")
    for days in sorted(set(JOINED.values()), reverse=True):  # a demo loaded before them
        created += _members_and_users(password, days)
    created += demo_new_version(versions[-1])
    return created


def _members_and_users(password: str, joined: int) -> list[str]:
    """The members that joined ``joined`` days ago, their people, and (at the start) the
    association's own; a consultant is assigned to a member when it joins."""
    created = []
    arriving = {spec.code for spec in MEMBERS if JOINED.get(spec.code, HISTORY_DAYS) == joined}
    for spec in MEMBERS:
        if spec.code in arriving and member_by_code(spec.code) is None:
            create_member(code=spec.code, name=spec.name,
                          enterprise_number=make_enterprise_number(spec.first_eight),
                          region=spec.region, activities=list(spec.activities))
            created.append(f"member {spec.code}")
    for spec in USERS:
        if spec.member and spec.member not in arriving:
            continue
        if not spec.member and joined != HISTORY_DAYS:
            _assign_on_arrival(spec, arriving)
            continue
        if db.session.scalar(select(User.id).where(User.email == spec.email)) is None:
            create_user(email=spec.email, name=spec.name, role=spec.role,
                        member=member_by_code(spec.member) if spec.member else None,
                        password=password, locale=spec.locale,
                        assigned_members=[member_by_code(code) for code in spec.assigned
                                          if code in arriving])
            created.append(f"user {spec.email}")
    return created


def _assign_on_arrival(spec: DemoUser, arriving: set[str]) -> None:
    consultant = db.session.scalar(select(User).where(User.email == spec.email))
    for code in set(spec.assigned) & arriving:
        member = member_by_code(code)
        if consultant is not None and member is not None and \
                consultant not in member.consultants:
            assign_consultants(member, [*member.consultants, consultant],
                               actor=user("staff@demo.example"))


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
    create_campaign(title=NEW_VERSION_TITLE, titles=NEW_VERSION_TITLES, manual_version=version,
                    due_date=clock.today() + timedelta(days=90), mode="members",
                    values=[str(member.id)], carry_over=True,
                    actor=user("staff@demo.example"))
    return [f"campaign {NEW_VERSION_TITLE}"]


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
    # The story's notifications go to the outbox without SMTP: one warning each would
    # bury the accounts printed below.
    mail_log = logging.getLogger("compliance.mail")
    level = mail_log.level
    mail_log.setLevel(logging.ERROR)
    try:
        created = load_demo(password)
        db.session.commit()  # the notifications leave here, after the commit
    except (DomainError, ManualInvalid) as exc:
        db.session.rollback()
        raise click.ClickException(f"demo not loaded: {exc}") from None
    finally:
        mail_log.setLevel(level)
    click.echo(f"demo: created {len(created)} objects" if created
               else "demo: already loaded; nothing changed")
    click.echo(accounts_text(password))
