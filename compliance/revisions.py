"""Records edited from a loaded form carry the revision they were loaded at (a version
column); saving from an older copy is a conflict, never a silent overwrite."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from compliance.db import utcnow
from compliance.errors import Conflict
from compliance.extensions import db


def check_revision(record: Any, revision: int | None, conflict: object) -> None:
    """``revision`` is what the form was loaded at; 0 means "there was none yet"."""
    expected = getattr(record, "revision", None) or 0
    if (revision or 0) != expected:
        raise Conflict(conflict)


def flush_or_conflict(conflict: object) -> None:
    """Write a record that carries a revision; another save in between is a conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(conflict) from None


def save_revisioned(record: Any, changes: dict[str, Any], *, actor: Any,
                    conflict: object) -> dict[str, Any]:
    """Apply ``changes`` to a revisioned record stamped with who saved it and when;
    returns its snapshot from before, for the audit event."""
    before = record.snapshot()
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at = utcnow()
    record.updated_by_id = actor.id
    flush_or_conflict(conflict)
    return before


def cleaned(text: str | None) -> str | None:
    """A text field as stored: stripped, and None when empty."""
    return (text or "").strip() or None
