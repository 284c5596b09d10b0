"""compliance audit verify [--checkpoint FILE] | checkpoint [--output FILE] [--mail] |
list [--action PREFIX] [--since DAY] [--limit N]"""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from compliance.audit import (
    AuditEvent,
    ChainCheck,
    CheckpointError,
    checkpoint,
    compare_with_checkpoint,
    verify_chain,
)
from compliance.auth.models import Role, User
from compliance.db import utcnow
from compliance.extensions import db
from compliance.mail import Mailer, MailServerDown, outbox_path
from compliance.members.models import Member

audit_cli = AppGroup("audit", help="The audit trail.")


def _verified() -> ChainCheck:
    result = verify_chain()
    if not result.ok:
        raise click.ClickException(f"audit chain broken at event {result.bad_id}: "
                                   f"{result.reason} ({result.checked} events checked before)")
    return result


def _authenticated(result: ChainCheck) -> str:
    if result.mac_from is None:
        return "none authenticated yet (no event since AUDIT_KEY was set)"
    return f"authenticated from event {result.mac_from}"


@audit_cli.command("verify")
@click.option("--checkpoint", "checkpoint_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A checkpoint written earlier: the chain must still hold what it recorded.")
def verify(checkpoint_file: Path | None) -> None:
    """Check that the chain of audit events is whole and authenticated (exit 1 naming the
    first bad row); with --checkpoint, also that it was neither rewritten nor shortened
    since that checkpoint."""
    result = _verified()
    line = f"audit chain whole: {result.checked} events, {_authenticated(result)}"
    if checkpoint_file is not None:
        try:
            recorded = json.loads(checkpoint_file.read_text())
            if not isinstance(recorded, dict):
                raise CheckpointError("it is not an audit checkpoint")
            compare_with_checkpoint(result, recorded)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise click.ClickException(f"cannot read the checkpoint {checkpoint_file}") \
                from None
        except CheckpointError as exc:
            raise click.ClickException(f"checkpoint {checkpoint_file}: {exc}") from None
        line += (f"; holds the checkpoint of {recorded['taken_at']} "
                 f"({recorded['events']} events)")
    click.echo(line)


@audit_cli.command("list")
@click.option("--action", help="Only the actions that start with this, e.g. login (logins, "
              "failed logins, lockouts) or user. (accounts).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only the events of this day (UTC) and after, e.g. 2026-11-01.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="At most this many, the newest.")
def list_command(action: str | None, since: datetime | None, limit: int) -> None:
    """The newest audit events, newest first, one line each: number, time (UTC), action,
    who did it, what it concerns, the member, and what it recorded."""
    query = (select(AuditEvent, Member.code).outerjoin(Member, Member.id == AuditEvent.member_id)
             .order_by(AuditEvent.id.desc()).limit(limit))
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if since:
        query = query.where(AuditEvent.at >= since)
    for event, member in db.session.execute(query):
        what = f"{event.object_type} {event.object_id or ''}".strip() or "—"
        details = " ".join(f"{name}: {json.dumps(values, ensure_ascii=False)}" for name, values
                           in (("before", event.before), ("after", event.after)) if values)
        click.echo("\t".join((str(event.id), f"{event.at:%Y-%m-%d %H:%M:%S}", event.action,
                              event.actor.email if event.actor else "—", what, member or "—",
                              details)))


@audit_cli.command("checkpoint")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it to this new file (default: print it).")
@click.option("--mail", is_flag=True, help="Also e-mail it to the association's staff.")
def checkpoint_command(output: Path | None, mail: bool) -> None:
    """Record the head of the verified chain (events, hash, signature) to keep outside
    the database: `audit verify --checkpoint FILE` later proves nothing before it was
    rewritten or removed."""
    result = _verified()
    text = json.dumps(checkpoint(result, utcnow()), indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            with output.open("x") as handle:  # a checkpoint is kept, never overwritten
                handle.write(text)
        except FileExistsError:
            raise click.ClickException(f"{output} exists: a checkpoint is never "
                                       "overwritten, choose another name") from None
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
        click.echo(f"checkpoint written to {output}: {result.checked} events, "
                   f"{_authenticated(result)}", err=True)
    if mail:
        click.echo(f"checkpoint mailed to {_mail_to_staff(text, result)} staff", err=True)


def _mail_to_staff(text: str, result: ChainCheck) -> int:
    staff = db.session.scalars(select(User).where(
        User.role.in_([Role.STAFF.value, Role.ADMIN.value]), User.active.is_(True))
        .order_by(User.id)).all()
    if not staff:
        raise click.ClickException("no active staff to mail the checkpoint to")
    messages = {f"audit-checkpoint-{user.id}": _message(user, text, result) for user in staff}
    outbox = outbox_path()
    try:
        with Mailer(current_app.config, outbox) as mailer:
            failed = {name: why for name, why in mailer.send_many(messages).items() if why}
    except MailServerDown as exc:
        raise click.ClickException(str(exc)) from None
    if failed:
        raise click.ClickException(f"the checkpoint was not mailed: {next(iter(failed.values()))}")
    return len(staff)


def _message(user: User, text: str, result: ChainCheck) -> EmailMessage:
    with force_locale(user.locale or "en"):
        message = EmailMessage()
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = user.email
        message["Subject"] = _("Audit checkpoint: %(events)d events, %(when)s",
                               events=result.checked, when=format_datetime(utcnow(), "short"))
        message.set_content(_(
            "The attached file records the state of the audit trail. Keep it outside the "
            "application, where nobody who administers its database can change it. With "
            "it, \"compliance audit verify --checkpoint FILE\" shows whether the audit "
            "trail was rewritten or shortened since."))
    message.add_attachment(text.encode(), maintype="application", subtype="json",
                           filename=f"audit-checkpoint-{result.checked}.json")
    return message
