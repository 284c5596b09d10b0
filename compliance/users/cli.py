"""compliance users create|list"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from compliance.auth.models import Role
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.i18n import LANGUAGES
from compliance.mail import send, smtp_configured
from compliance.members.cli import split_flags
from compliance.members.queries import member_by_code
from compliance.users import invitations, queries
from compliance.users.models import Invitation

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--member", "member_code", help="The member's code (member roles only).")
@click.option("--name", default="", help="Full name (defaults to the e-mail address).")
@click.option("--language", type=click.Choice(LANGUAGES), default=None)
@click.option("--assign", multiple=True, help="Member codes a consultant is assigned to.")
def create(email: str, role: str, member_code: str | None, name: str, language: str | None,
           assign: tuple[str, ...]) -> None:
    """Invite someone: they choose their own password through the link. The link goes by
    e-mail; without SMTP_HOST it is printed here, once."""
    member = None
    if member_code:
        member = member_by_code(member_code)
        if member is None:
            raise click.ClickException(f"no member with the code {member_code}")
    assigned = []
    for code in split_flags(assign):
        found = member_by_code(code)
        if found is None:
            raise click.ClickException(f"no member with the code {code}")
        assigned.append(found)
    try:
        invitation, token = invitations.invite(email=email, name=name, role=role,
                                               member=member, locale=language,
                                               assigned=assigned, actor=None)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f"invited {invitation.role} {invitation.email}")
    if not smtp_configured():
        click.echo(f"invitation link (shown once): {invitations.invitation_url(token)}")
        return
    failure = send([invitations.invitation_message(invitation, token)])
    if failure:
        raise click.ClickException(f"the invitation is saved but the e-mail was not sent: "
                                   f"{failure}")
    click.echo(f"invitation e-mailed to {invitation.email}")


@users_cli.command("list")
def list_() -> None:
    """List the user accounts, then the invitations still waiting to be accepted (an
    administrator just invited by `users create` is there until they choose a password)."""
    for user in db.session.scalars(queries.users_query()):
        member = user.member.code if user.member else "-"
        click.echo(f"{user.email}\t{user.role}\t{member}\t{'active' if user.active else 'off'}")
    waiting = select(Invitation).where(Invitation.used_at.is_(None),
                                       Invitation.revoked_at.is_(None))
    for invitation in db.session.scalars(waiting.order_by(Invitation.email)):
        member = invitation.member.code if invitation.member else "-"
        state = "expired" if invitation.expires_at < utcnow() else "invited"
        click.echo(f"{invitation.email}\t{invitation.role}\t{member}\t{state}")
