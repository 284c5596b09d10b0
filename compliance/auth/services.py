"""Logging in (with throttling of failed attempts), accounts and their settings."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, func, or_, select

from compliance.audit import log_event
from compliance.auth.models import LoginFailure, Role, User
from compliance.auth.passwords import (
    MIN_LENGTH,
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.i18n import LANGUAGES
from compliance.members.models import Member

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20


class LoginThrottled(DomainError):
    pass


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
        raise DomainError(_l("Wrong e-mail address or password."))
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


def create_user(*, email: str, name: str, role: str, member: Member | None = None,
                password: str | None = None, locale: str | None = None,
                assigned_members: list[Member] | None = None, actor: User | None = None,
                ) -> tuple[User, str]:
    """Create an account; returns it with its password (generated when none is given)."""
    email = normalize_email(email)
    try:
        role_enum = Role(role)
    except ValueError:
        raise DomainError(_l("Unknown role %(role)s.", role=role)) from None
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DomainError(_l("A user with the e-mail address %(email)s already exists.",
                             email=email))
    if role_enum.belongs_to_member and member is None:
        raise DomainError(_l("A member manager or contributor must belong to a member."))
    if not role_enum.belongs_to_member and member is not None:
        raise DomainError(_l("Only member managers and contributors belong to a member."))
    if assigned_members and role_enum != Role.CONSULTANT:
        raise DomainError(_l("Only consultants are assigned to members."))
    if locale is not None and locale not in LANGUAGES:
        raise DomainError(_l("Unknown language."))
    password = password or generate_password()
    check_password_rules(password)
    user = User(email=email, name=name.strip() or email, role=role_enum.value, member=member,
                password_hash=hash_password(password), locale=locale,
                assigned_members=list(assigned_members or []))
    db.session.add(user)
    db.session.flush()
    log_event("user.created", user, actor=actor, member_id=user.member_id,
              after={"email": email, "role": role_enum.value,
                     "member": member.code if member else None,
                     "assigned": [m.code for m in user.assigned_members]})
    return user, password


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Switch an account off (it can no longer log in; its history stays) or on again."""
    if user.id == actor.id:
        raise DomainError(_l("You cannot switch off your own account."))
    if user.role == Role.ADMIN and actor.role != Role.ADMIN:
        raise DomainError(_l("Only an administrator can change an administrator."))
    if user.active == active:
        return
    user.active = active
    log_event("user.activated" if active else "user.deactivated", user, actor=actor,
              member_id=user.member_id, before={"active": not active},
              after={"active": active, "email": user.email})


def users_query(*, search: str | None = None):
    query = select(User).order_by(User.role, User.email)
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.email).like(like),
                                func.lower(User.name).like(like)))
    return query
