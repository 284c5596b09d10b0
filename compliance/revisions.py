"""Records edited from a loaded form carry the revision they were loaded at (a version
column); saving from an older copy is a conflict, never a silent overwrite. The conflict
says who saved first, from the record's newest audit event."""

from __future__ import annotations

from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from compliance.audit import AuditEvent
from compliance.db import utcnow
from compliance.errors import Conflict
from compliance.extensions import db

SAVED_FIRST = _l("%(name)s saved it first, %(when)s.")
Identity = tuple[str, int | None]


def identity_of(record: Any) -> Identity:
    """What the audit trail calls a record (taken before a flush that may fail)."""
    return type(record).__tablename__, getattr(record, "id", None)


def who_saved(identity: Identity) -> str | None:
    """"Eva Peeters saved it first, 3 Dec 2026, 14:32.", from the record's newest audit
    event. Read on a connection of its own: after a failed flush the request's session
    cannot be used, and what counts is what the winner committed."""
    table, record_id = identity
    if record_id is None:
        return None
    with Session(db.engine) as session:  # its actor comes joined (see AuditEvent.actor)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == table,
                                     AuditEvent.object_id == record_id)
            .order_by(AuditEvent.id.desc()).limit(1)).first()
        name = event.actor.name if event is not None and event.actor is not None else None
        at = event.at if event is not None else None
    if name is None:
        return None
    return str(SAVED_FIRST % {"name": name, "when": format_datetime(at, "short")})


def conflict_with_who(message: object, identity: Identity) -> Conflict:
    """The conflict to raise: ``message``, then who saved first when it is known."""
    who = who_saved(identity)
    return Conflict(f"{message} {who}" if who else message)


def check_revision(record: Any, revision: int | None, message: object) -> None:
    """``revision`` is what the form was loaded at; 0 means "there was none yet"."""
    expected = getattr(record, "revision", None) or 0
    if (revision or 0) != expected:
        raise conflict_with_who(message, identity_of(record)) if record is not None \
            else Conflict(message)


def flush_or_conflict(message: object, identity: Identity | None = None) -> None:
    """Write a record that carries a revision; another save in between is a conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        raise (conflict_with_who(message, identity) if identity else Conflict(message)) from None


def save_revisioned(record: Any, changes: dict[str, Any], *, actor: Any,
                    conflict: object) -> dict[str, Any]:
    """Apply ``changes`` to a revisioned record stamped with who saved it and when;
    returns its snapshot from before, for the audit event."""
    before = record.snapshot()
    identity = identity_of(record)
    for name, value in changes.items():
        setattr(record, name, value)
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()
        record.updated_by_id = actor.id
    flush_or_conflict(conflict, identity)
    return before


def lock_row(record: Any) -> None:
    """Hold the record's row until the transaction ends, its columns read again
    (SELECT ... FOR UPDATE on PostgreSQL; SQLite lets one writer at a time anyway). A
    change that several requests may make at once takes it first, so the later one
    waits, then sees what the first one committed."""
    db.session.refresh(record, with_for_update={"of": type(record)})  # not its joins


def lock_unchanged(record: Any, message: object) -> None:
    """:func:`lock_row`, and a conflict naming who changed the record since it was loaded
    in this request."""
    loaded, identity = record.revision, identity_of(record)
    lock_row(record)
    if record.revision != loaded:
        raise conflict_with_who(message, identity)


def cleaned(text: str | None) -> str | None:
    """A text field as stored: stripped, and None when empty."""
    return (text or "").strip() or None
