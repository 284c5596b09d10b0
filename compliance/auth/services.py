"""Logging in and out (with throttling of failed attempts) and a person's own settings.

Creating and switching accounts is user administration: ``compliance.users``; reset links
are ``compliance.auth.resets``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, text

from compliance.audit import log_event
from compliance.auth.models import LoginFailure, User
from compliance.auth.passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from compliance.auth.throttle import WINDOW, LoginThrottled, retry_minutes
from compliance.db import utcnow
from compliance.errors import DomainError, KeptRefusal
from compliance.extensions import db
from compliance.i18n import LANGUAGES
from compliance.observability import security_event
from compliance.revisions import flush_or_conflict

THROTTLE_WINDOW = WINDOW
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20

__all__ = ["LoginRefused", "LoginThrottled", "authenticate", "change_password",
           "check_password_rules", "log_out", "normalize_email", "save_own_profile"]


class LoginRefused(KeptRefusal):
    """Wrong credentials: refused, and the failure is kept (it counts for throttling)."""

    status = 401


def normalize_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str, *, remote_addr: str) -> User:
    """Return the user for these credentials, or raise; failures are recorded.

    Attempts on one address are serialised (a transaction lock on PostgreSQL), so the
    limit holds under simultaneous attempts. Every refusal costs the same argon2 work:
    an unknown or switched-off account answers no faster than a wrong password."""
    email = normalize_email(email)
    _serialise_attempts(email)
    by_email, by_client = _refuse_if_throttled(email, remote_addr)
    user = db.session.scalar(select(User).where(User.email == email))
    known_hash = user.password_hash if user is not None else _DUMMY_HASH.get()
    matches = verify_password(known_hash, password)
    if user is None or not user.active or not matches:
        reason = ("unknown account" if user is None else
                  "switched off" if not user.active else "wrong password")
        security_event("login_failed", user_id=user.id if user is not None else None,
                       reason=reason)
        db.session.add(LoginFailure(email=email, remote_addr=remote_addr))
        db.session.flush()
        _audit_failure(user, reason, locks_account=by_email + 1 == MAX_FAILURES_PER_EMAIL,
                       locks_client=by_client + 1 == MAX_FAILURES_PER_CLIENT)
        raise LoginRefused(_l("Wrong e-mail address or password."))
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    log_event("login", user, actor=user, member_id=user.member_id)
    return user


def _audit_failure(user: User | None, reason: str, *, locks_account: bool,
                   locks_client: bool) -> None:
    """A failed login in the audit trail (kept: the refusal commits), and the lockout it
    starts, once; the refused attempts during a lockout are in the security log only.
    What was typed as the address of an unknown account is not kept for years (it may be
    a mistyped password); neither is the client's address (the log has it)."""
    where = {"member_id": user.member_id} if user is not None else {"object_type": "login"}
    log_event("login.failed", user, after={"reason": reason}, **where)
    for lock, starts in (("account", locks_account and user is not None),
                         ("client", locks_client)):
        if starts:
            security_event("lockout_started", user_id=user.id if user else None, lock=lock)
            log_event("login.locked_out", user, after={
                "lock": lock, "minutes": int(THROTTLE_WINDOW.total_seconds() // 60)}, **where)


def _serialise_attempts(email: str) -> None:
    """One attempt at a time per address, until the transaction ends. SQLite serialises
    writers itself (development only)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 17))"),
                           {"key": f"login:{email}"})


def _refuse_if_throttled(email: str, remote_addr: str) -> tuple[int, int]:
    """Raise if the address or the client is locked out; else their recent failures."""
    since = utcnow() - THROTTLE_WINDOW
    recent = select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.at >= since)
    by_email = db.session.execute(recent.where(LoginFailure.email == email)).one()
    by_client = db.session.execute(recent.where(LoginFailure.remote_addr == remote_addr)).one()
    for (count, oldest), limit in ((by_email, MAX_FAILURES_PER_EMAIL),
                                   (by_client, MAX_FAILURES_PER_CLIENT)):
        if count >= limit:
            security_event("login_locked_out",
                           lock="account" if limit == MAX_FAILURES_PER_EMAIL else "client")
            raise LoginThrottled(retry_minutes(oldest + THROTTLE_WINDOW))
    return by_email[0], by_client[0]


class _DummyHash:
    """A hash made once per process, verified when the address is unknown."""

    value: str | None = None

    def get(self) -> str:
        if self.value is None:
            import secrets

            self.value = hash_password(secrets.token_urlsafe(12))
        return self.value


_DUMMY_HASH = _DummyHash()


def log_out(user: User) -> None:
    """Ends every session of the person, copied cookies included."""
    user.end_sessions()
    security_event("logout", user_id=user.id)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("The password must have at least %(num)d characters.",
                             num=MIN_LENGTH))


def set_new_password(user: User, new: str) -> None:
    """A new password ends every session of the person (the caller logs the current
    browser in again where it should stay logged in)."""
    check_password_rules(new)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.end_sessions()
    security_event("password_changed", user_id=user.id)


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError(_l("The current password is wrong."))
    set_new_password(user, new)
    log_event("user.password_changed", user, actor=user, member_id=user.member_id)


def set_language(user: User, language: str) -> None:
    if language not in LANGUAGES:
        raise DomainError(_l("Unknown language."))
    user.locale = language


def saved_first_text(user: User) -> str:
    """The conflict message of an account: who saved it first, and when."""
    from flask_babel import format_datetime

    who = user.updated_by.name if user.updated_by else "?"
    when = format_datetime(user.updated_at, "short") if user.updated_at else ""
    return str(_l("%(name)s saved this account meanwhile (%(when)s). Nothing was changed: "
                  "your input is kept below; check it and save again.", name=who, when=when))


def save_profile(user: User, changes: dict[str, object], *, revision: int,
                 actor: User) -> dict[str, object]:
    """Apply an edit made from a form loaded at ``revision``; returns the snapshot from
    before. A save in between (a newer revision) is a conflict naming who saved."""
    from compliance.errors import Conflict

    if (revision or 0) != user.revision:
        raise Conflict(saved_first_text(user))
    before = user.snapshot()
    for name, value in changes.items():
        setattr(user, name, value)
    user.revision = user.revision + 1
    user.updated_at = utcnow()
    user.updated_by_id = actor.id
    flush_or_conflict(_l("Someone else saved this account meanwhile. Nothing was changed: "
                         "check it and save again."))
    return before


def save_own_profile(user: User, *, name: str, language: str, revision: int) -> None:
    """A person's own name and language."""
    name = name.strip()
    if not name:
        raise DomainError(_l("Give your name."))
    if language not in LANGUAGES:
        raise DomainError(_l("Unknown language."))
    before = save_profile(user, {"name": name, "locale": language}, revision=revision,
                          actor=user)
    log_event("user.profile", user, actor=user, member_id=user.member_id,
              before={"name": before["name"], "locale": before["locale"]},
              after={"name": name, "locale": language})

