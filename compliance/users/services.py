"""User administration: creating accounts and switching them off and on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.auth.models import Role, User
from compliance.auth.passwords import generate_password, hash_password
from compliance.auth.services import check_password_rules, normalize_email
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.i18n import LANGUAGES

if TYPE_CHECKING:
    from compliance.members.models import Member


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


