"""Logging in (with throttling of failed attempts) and a person's own settings.

Creating and switching accounts is user administration: ``compliance.users``."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, func, select

from compliance.auth.models import LoginFailure, User
from compliance.auth.passwords import (
    MIN_LENGTH,
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from compliance.db import utcnow
from compliance.errors import DomainError, KeptRefusal
from compliance.extensions import db
from compliance.i18n import LANGUAGES

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20


class LoginThrottled(DomainError):
    status = 429


class LoginRefused(KeptRefusal):
    """Wrong credentials: refused, and the failure is kept (it counts for throttling)."""

    status = 401


def normalize_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str, *, remote_addr: str) -> User:
    """Return the user for these credentials, or raise; failures are recorded."""
    email = normalize_email(email)
    _refuse_if_throttled(email, remote_addr)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        verify_password(_DUMMY_HASH.get(), password)  # same work whether or not it exists
    if user is None or not user.active or not verify_password(user.password_hash, password):
        db.session.add(LoginFailure(email=email, remote_addr=remote_addr))
        db.session.flush()
        raise LoginRefused(_l("Wrong e-mail address or password."))
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _refuse_if_throttled(email: str, remote_addr: str) -> None:
    since = utcnow() - THROTTLE_WINDOW
    recent = select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.at >= since)
    by_email = db.session.execute(recent.where(LoginFailure.email == email)).one()
    by_client = db.session.execute(recent.where(LoginFailure.remote_addr == remote_addr)).one()
    for (count, oldest), limit in ((by_email, MAX_FAILURES_PER_EMAIL),
                                   (by_client, MAX_FAILURES_PER_CLIENT)):
        if count >= limit:
            minutes = max(1, int((oldest + THROTTLE_WINDOW - utcnow()).total_seconds() // 60) + 1)
            raise LoginThrottled(ngettext(
                "Too many failed logins. Try again in %(num)d minute.",
                "Too many failed logins. Try again in %(num)d minutes.", minutes))


class _DummyHash:
    """A hash made once per process, verified when the address is unknown."""

    value: str | None = None

    def get(self) -> str:
        if self.value is None:
            self.value = hash_password(generate_password())
        return self.value


_DUMMY_HASH = _DummyHash()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("The password must have at least %(num)d characters.",
                             num=MIN_LENGTH))


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError(_l("The current password is wrong."))
    check_password_rules(new)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()


def set_language(user: User, language: str) -> None:
    if language not in LANGUAGES:
        raise DomainError(_l("Unknown language."))
    user.locale = language
