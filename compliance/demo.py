"""compliance demo: the manual and a small demo association, loaded idempotently.

Running it again creates nothing twice and changes nothing a demo user changed. The
demo password is not in the code: DEMO_PASSWORD, or one generated once and kept in
the instance folder.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from compliance.auth.models import Role, User
from compliance.auth.services import create_user
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual.loader import ManualInvalid, load_manual
from compliance.manual.services import import_manual
from compliance.members.enterprise_number import make_enterprise_number
from compliance.members.models import Member
from compliance.members.services import create_member, member_by_code

MANUAL_PATH = Path(__file__).resolve().parent.parent / "checklists" / "mdr-cmd"


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
    result = import_manual(load_manual(manual_path))
    if result.created:
        created.append(f"manual {result.version.manual_key} {result.version.version}")
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
    return created


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
    """Load the manual and the demo association (idempotent)."""
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
