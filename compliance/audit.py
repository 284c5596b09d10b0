"""Audit events: an append-only, hash-chained history of every change, authenticated
with a key kept outside the database.

Each event's hash covers its own fields and the previous event's hash, so changing or
removing any row breaks the chain at that row; a one-row head table records the last
event, so removing the newest rows is caught too. Writers take the head row first,
which serialises appends (a row lock on PostgreSQL, the write lock on SQLite) so two
transactions never chain onto the same predecessor.

A hash chain alone holds against accidents, not against someone who can write to the
database: they could rewrite an event and recompute every later hash. So each event
also carries a MAC (HMAC-SHA256 with AUDIT_KEY, a setting, never stored in the
database) of its hash, and the head a MAC of itself: rewriting needs the key. Events
written before the key existed carry none; the head records from which event MACs
start (``mac_from``), and the first of them seals the older ones through its
``prev_hash``. What a key cannot catch (removing the newest events together with an
older copy of the head) a checkpoint kept outside the database does: see
:func:`checkpoint` and the README.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
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
    # HMAC-SHA256(AUDIT_KEY) of the hash; None for events written before the key.
    mac: Mapped[str | None] = mapped_column(String(64))

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
    # The first event that carries a MAC, and the head's own MAC (see head_mac).
    mac_from: Mapped[int | None]
    mac: Mapped[str | None] = mapped_column(String(64))


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


def audit_key() -> bytes:
    key = current_app.config.get("AUDIT_KEY")
    if not key:
        raise RuntimeError("AUDIT_KEY is not configured")
    return str(key).encode()


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def event_mac(key: bytes, event_id: int, event_hash_: str) -> str:
    return _mac(key, f"event|{event_id}|{event_hash_}")


def head_mac(key: bytes, last_id: int, last_hash: str, mac_from: int | None) -> str:
    return _mac(key, f"head|{last_id}|{last_hash}|{mac_from}")


#: What a change is made through, when not a page: the API token (see :func:`acting_through`).
_via: ContextVar[dict[str, Any] | None] = ContextVar("audit_via", default=None)


@contextmanager
def acting_through(via: dict[str, Any]) -> Iterator[None]:
    """Every event logged inside the block names ``via`` (an API token: its id and name)
    in its ``after``, whichever feature logs it."""
    reset = _via.set(via)
    try:
        yield
    finally:
        _via.reset(reset)


def log_event(action: str, obj: Any = None, *, actor: Any = None, object_type: str | None = None,
              object_id: int | None = None, member_id: int | None = None,
              assessment_id: int | None = None, before: dict[str, Any] | None = None,
              after: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the chain (flushes; the caller commits)."""
    via = _via.get()
    if via is not None:
        after = {**(after or {}), "via": via}
    if obj is not None:
        db.session.flush()
        object_type = object_type or type(obj).__tablename__
        object_id = object_id if object_id is not None else obj.id
    key = audit_key()
    session = db.session
    head = session.execute(
        update(AuditHead).where(AuditHead.id == 1)
        .values(last_id=AuditHead.last_id + 1)
        .returning(AuditHead.last_id, AuditHead.last_hash, AuditHead.mac_from)
    ).one_or_none()
    if head is None:  # the first event ever
        session.add(AuditHead(id=1, last_id=1, last_hash=GENESIS, mac_from=1))
        session.flush()
        new_id, prev_hash, mac_from = 1, GENESIS, 1
    else:
        new_id, prev_hash, mac_from = head
        mac_from = mac_from or new_id  # the first event since the key: MACs start here
    now = utcnow()
    entry = AuditEvent(
        id=new_id, at=now.replace(microsecond=now.microsecond // 1000 * 1000),
        actor_id=getattr(actor, "id", None), member_id=member_id,
        assessment_id=assessment_id, object_type=object_type or "", object_id=object_id,
        action=action, before=_canonical(before), after=_canonical(after), prev_hash=prev_hash,
    )
    entry.hash = event_hash(entry.hashed_fields())
    entry.mac = event_mac(key, new_id, entry.hash)
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(
        last_hash=entry.hash, mac_from=mac_from,
        mac=head_mac(key, new_id, entry.hash, mac_from)))
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""
    last_hash: str = GENESIS
    mac_from: int | None = None  # the first authenticated event; None: none is


def verify_chain(batch: int = 5000) -> ChainCheck:
    """Walk the whole chain in id order; report the first row that does not fit: a hash
    that does not follow, a hash that does not match its fields, a MAC that does not
    match (rewritten without the key), a head that is not the chain's end or whose own
    MAC does not match."""
    head = db.session.get(AuditHead, 1)
    key = audit_key()
    head_problem = _head_problem(head, key)
    query = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    result = db.session.scalars(query)
    try:
        check = _walk(result, key, head.mac_from if head else None)
    finally:
        result.close()  # a server-side cursor on PostgreSQL: release it even on early exit
    if not check.ok:
        return check
    head_id, head_hash = (head.last_id, head.last_hash) if head else (0, GENESIS)
    if (head_id, head_hash) != (check.checked, check.last_hash):
        return ChainCheck(False, check.checked, check.checked + 1,
                          f"events after {check.checked} were removed (the chain ends at "
                          f"{head_id})")
    if head_problem:
        return ChainCheck(False, check.checked, head_id, head_problem)
    return check


def _head_problem(head: AuditHead | None, key: bytes) -> str:
    if head is None or head.mac_from is None:
        return ""  # no event since the key: nothing authenticated yet
    if not head.mac or not hmac.compare_digest(
            head.mac, head_mac(key, head.last_id, head.last_hash, head.mac_from)):
        return "the head was changed (its MAC does not match)"
    return ""


def _walk(entries, key: bytes, mac_from: int | None) -> ChainCheck:  # noqa: ANN001
    prev_hash, expected_id, checked = GENESIS, 1, 0
    for entry in entries:
        if entry.id != expected_id:
            return ChainCheck(False, checked, expected_id,
                              f"event {expected_id} is missing (next is {entry.id})")
        if entry.prev_hash != prev_hash:
            return ChainCheck(False, checked, entry.id,
                              f"event {entry.id} does not follow event {entry.id - 1}")
        if event_hash(entry.hashed_fields()) != entry.hash:
            return ChainCheck(False, checked, entry.id, f"event {entry.id} was changed")
        if mac_from is None and entry.mac is not None:
            return ChainCheck(False, checked, entry.id, f"event {entry.id} carries a MAC but "
                              "the head says none is required (the head was changed)")
        if mac_from is not None and entry.id >= mac_from and not (
                entry.mac and hmac.compare_digest(entry.mac,
                                                  event_mac(key, entry.id, entry.hash))):
            return ChainCheck(False, checked, entry.id,
                              f"event {entry.id} was rewritten (its MAC does not match)")
        prev_hash, expected_id, checked = entry.hash, entry.id + 1, checked + 1
    return ChainCheck(True, checked, last_hash=prev_hash, mac_from=mac_from)


# --- checkpoints: the head, kept outside the database ---------------------------------------

CHECKPOINT_KIND = "compliance-audit-checkpoint"
CHECKPOINT_FIELDS = ("kind", "events", "hash", "mac_from", "taken_at")


def _signature(key: bytes, fields: dict[str, Any]) -> str:
    return _mac(key, json.dumps({k: fields[k] for k in CHECKPOINT_FIELDS}, sort_keys=True))


def checkpoint(check: ChainCheck, taken_at: datetime) -> dict[str, Any]:
    """The head of a verified chain, signed with the key: to keep outside the database."""
    fields: dict[str, Any] = {"kind": CHECKPOINT_KIND, "events": check.checked,
                              "hash": check.last_hash, "mac_from": check.mac_from,
                              "taken_at": taken_at.isoformat(timespec="seconds")}
    return {**fields, "signature": _signature(audit_key(), fields)}


class CheckpointError(ValueError):
    """The chain does not hold what a checkpoint recorded (or the file is not one)."""


def compare_with_checkpoint(check: ChainCheck, recorded: dict[str, Any]) -> None:
    """Raise CheckpointError when the verified chain ``check`` is not a continuation of
    the chain ``recorded`` in a checkpoint: fewer events (the newest removed and the
    head moved back), another hash at the recorded event (the chain rewritten, even
    with the key), or MACs that start later (authentication stripped)."""
    try:
        if recorded.get("kind") != CHECKPOINT_KIND or not hmac.compare_digest(
                str(recorded["signature"]), _signature(audit_key(), recorded)):
            raise CheckpointError("it was changed, or made with another AUDIT_KEY")
        events, taken_at = int(recorded["events"]), recorded["taken_at"]
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CheckpointError):
            raise
        raise CheckpointError("it is not an audit checkpoint") from None
    if check.checked < events:
        raise CheckpointError(f"events after {check.checked} were removed: the checkpoint of "
                              f"{taken_at} recorded {events}")
    if events:
        found = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == events))
        if found != recorded["hash"]:
            raise CheckpointError(f"the chain was rewritten: event {events} is not the one "
                                  f"the checkpoint of {taken_at} recorded")
    mac_from = recorded.get("mac_from")
    if mac_from is not None and (check.mac_from is None or check.mac_from > mac_from):
        raise CheckpointError(f"events from {mac_from} were authenticated at the checkpoint "
                              f"of {taken_at} and no longer are")
