"""Audit events: an append-only, hash-chained history of every change.

Each event's hash covers its own fields and the previous event's hash, so changing or
removing any row breaks the chain at that row; a one-row head table records the last
event, so removing the newest rows is caught too. Writers take the head row first,
which serialises appends (a row lock on PostgreSQL, the write lock on SQLite) so two
transactions never chain onto the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event, select, update
from sqlalchemy.orm import Mapped, mapped_column

from compliance.db import utcnow
from compliance.extensions import db

GENESIS = "0" * 64


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor = db.relationship("User", lazy="joined")

    def hashed_fields(self) -> dict[str, Any]:
        return {
            "id": self.id, "at": self.at.isoformat(), "actor_id": self.actor_id,
            "member_id": self.member_id, "assessment_id": self.assessment_id,
            "object_type": self.object_type, "object_id": self.object_id,
            "action": self.action, "before": self.before, "after": self.after,
            "prev_hash": self.prev_hash,
        }


class AuditHead(db.Model):
    """The newest event of the chain (one row, id 1)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(mapper, connection, target) -> None:  # noqa: ANN001
    raise RuntimeError("audit events are append-only")


def _canonical(value: Any) -> Any:
    """JSON as it will be read back, so the hash computed now is the hash verified later."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def event_hash(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def log_event(action: str, obj: Any = None, *, actor: Any = None, object_type: str | None = None,
              object_id: int | None = None, member_id: int | None = None,
              assessment_id: int | None = None, before: dict[str, Any] | None = None,
              after: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the chain (flushes; the caller commits)."""
    if obj is not None:
        db.session.flush()
        object_type = object_type or type(obj).__tablename__
        object_id = object_id if object_id is not None else obj.id
    session = db.session
    head = session.execute(
        update(AuditHead).where(AuditHead.id == 1)
        .values(last_id=AuditHead.last_id + 1)
        .returning(AuditHead.last_id, AuditHead.last_hash)
    ).one_or_none()
    if head is None:  # the first event ever
        session.add(AuditHead(id=1, last_id=1, last_hash=GENESIS))
        session.flush()
        new_id, prev_hash = 1, GENESIS
    else:
        new_id, prev_hash = head
    now = utcnow()
    entry = AuditEvent(
        id=new_id, at=now.replace(microsecond=now.microsecond // 1000 * 1000),
        actor_id=getattr(actor, "id", None), member_id=member_id,
        assessment_id=assessment_id, object_type=object_type or "", object_id=object_id,
        action=action, before=_canonical(before), after=_canonical(after), prev_hash=prev_hash,
    )
    entry.hash = event_hash(entry.hashed_fields())
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=entry.hash))
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""


def verify_chain(batch: int = 5000) -> ChainCheck:
    """Walk the whole chain in id order; report the first row that does not fit."""
    query = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    result = db.session.scalars(query)
    try:
        return _walk(result)
    finally:
        result.close()  # a server-side cursor on PostgreSQL: release it even on early exit


def _walk(entries) -> ChainCheck:  # noqa: ANN001
    prev_hash, expected_id, checked, last_id = GENESIS, 1, 0, 0
    for entry in entries:
        if entry.id != expected_id:
            return ChainCheck(False, checked, expected_id,
                              f"event {expected_id} is missing (next is {entry.id})")
        if entry.prev_hash != prev_hash:
            return ChainCheck(False, checked, entry.id,
                              f"event {entry.id} does not follow event {entry.id - 1}")
        if event_hash(entry.hashed_fields()) != entry.hash:
            return ChainCheck(False, checked, entry.id, f"event {entry.id} was changed")
        prev_hash, expected_id, checked, last_id = entry.hash, entry.id + 1, checked + 1, entry.id
    head = db.session.get(AuditHead, 1)
    head_id, head_hash = (head.last_id, head.last_hash) if head else (0, GENESIS)
    if (head_id, head_hash) != (last_id, prev_hash):
        return ChainCheck(False, checked, last_id + 1,
                          f"events after {last_id} were removed (the chain ends at {head_id})")
    return ChainCheck(True, checked)
