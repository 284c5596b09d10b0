"""compliance members create|list"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from compliance.errors import DomainError
from compliance.extensions import db
from compliance.members import queries, services
from compliance.members.models import Region
from compliance.profile import Activity

members_cli = AppGroup("members", help="Member workshops.")


def split_flags(values: tuple[str, ...]) -> list[str]:
    return [flag.strip() for value in values for flag in value.split(",") if flag.strip()]


@members_cli.command("create")
@click.option("--code", required=True, help="Short code, e.g. ORTHO-GENT.")
@click.option("--name", required=True, help="The workshop's name.")
@click.option("--enterprise-number", required=True, help="KBO/BCE number, e.g. 0123.456.749.")
@click.option("--region", required=True, type=click.Choice([r.value for r in Region]))
@click.option("--activity", "activities", multiple=True,
              help=f"Repeat or separate by commas: {', '.join(a.value for a in Activity)}.")
def create(code: str, name: str, enterprise_number: str, region: str,
           activities: tuple[str, ...]) -> None:
    """Create a member workshop."""
    try:
        member = services.create_member(code=code, name=name,
                                        enterprise_number=enterprise_number, region=region,
                                        activities=split_flags(activities))
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f"created member {member.code} ({member.enterprise_number})")


@members_cli.command("list")
def list_() -> None:
    """List the member workshops."""
    for member in db.session.scalars(queries.members_query()):
        click.echo(f"{member.code}\t{member.enterprise_number}\t{member.region}\t"
                   f"{','.join(member.activities)}\t{member.name}")
