"""Locks made by failed logins: when a locked-out person may retry, which addresses and
clients are locked now, and staff lifting a lock (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import ngettext
from sqlalchemy import delete, func, select

from compliance.audit import log_event
from compliance.auth.models import LoginFailure, User
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db

WINDOW = timedelta(minutes=15)


class LoginThrottled(DomainError):
    status = 429


def retry_minutes(until: datetime) -> str:
    """Tells a locked-out person when to retry."""
    minutes = max(1, int((until - utcnow()).total_seconds() // 60) + 1)
    return ngettext("Too many failed logins. Try again in %(num)d minute.",
                    "Too many failed logins. Try again in %(num)d minutes.", minutes)


@dataclass(frozen=True)
class Lock:
    kind: str  # "account" or "client"
    key: str  # the e-mail address or the client's address
    failures: int
    until: datetime
    user: User | None = None


def current_locks(per_account: int, per_client: int) -> list[Lock]:
    """Every address and client locked now, newest lock first."""
    since = utcnow() - WINDOW
    locks: list[Lock] = []
    for kind, column, limit in (("account", LoginFailure.email, per_account),
                                ("client", LoginFailure.remote_addr, per_client)):
        rows = db.session.execute(
            select(column, func.count(), func.min(LoginFailure.at))
            .where(LoginFailure.at >= since).group_by(column)
            .having(func.count() >= limit)).all()
        locks.extend(Lock(kind, key, count, oldest + WINDOW) for key, count, oldest in rows)
    users = {u.email: u for u in db.session.scalars(select(User).where(
        User.email.in_([lock.key for lock in locks if lock.kind == "account"])))}
    return sorted((Lock(lock.kind, lock.key, lock.failures, lock.until, users.get(lock.key))
                   for lock in locks), key=lambda lock: lock.until, reverse=True)


def lift_lock(kind: str, key: str, *, actor: User) -> int:
    """Forget the failures behind a lock; returns how many were forgotten."""
    column = {"account": LoginFailure.email, "client": LoginFailure.remote_addr}.get(kind)
    if column is None:
        raise DomainError("unknown lock")
    removed = db.session.execute(delete(LoginFailure).where(column == key)).rowcount
    user = db.session.scalar(select(User).where(User.email == key)) if kind == "account" \
        else None
    log_event("login.unlocked", user, actor=actor, object_type="login_lock",
              member_id=user.member_id if user else None,
              after={"kind": kind, "key": key, "failures": removed})
    return removed
