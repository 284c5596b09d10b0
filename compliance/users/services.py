"""User administration: accounts made from an accepted invitation (or the demo), edited by
staff, switched off and on; a member manager removes a contributor of their workshop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.auth.models import Role, User
from compliance.auth.passwords import hash_password
from compliance.auth.services import check_password_rules, normalize_email, save_profile
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.i18n import LANGUAGES
from compliance.observability import security_event
from compliance.permissions import is_staff, manages

if TYPE_CHECKING:
    from compliance.members.models import Member


def _check_role(role: str, member: Member | None, assigned: list[Member]) -> Role:
    try:
        role_enum = Role(role)
    except ValueError:
        raise DomainError(_l("Unknown role %(role)s.", role=role)) from None
    if role_enum.belongs_to_member and member is None:
        raise DomainError(_l("A member manager or contributor must belong to a member."))
    if not role_enum.belongs_to_member and member is not None:
        raise DomainError(_l("Only member managers and contributors belong to a member."))
    if assigned and role_enum != Role.CONSULTANT:
        raise DomainError(_l("Only consultants are assigned to members."))
    return role_enum


def create_user(*, email: str, name: str, role: str, password: str,
                member: Member | None = None, locale: str | None = None,
                assigned_members: list[Member] | None = None, actor: User | None = None,
                ) -> tuple[User, str]:
    """An account with the password its owner chose (through an invitation) — or the
    demo's shared one. No password is ever made up here for someone else."""
    email = normalize_email(email)
    role_enum = _check_role(role, member, list(assigned_members or []))
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DomainError(_l("A user with the e-mail address %(email)s already exists.",
                             email=email))
    if locale is not None and locale not in LANGUAGES:
        raise DomainError(_l("Unknown language."))
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


def _check_admin_rules(user: User, actor: User, role: str) -> None:
    if actor.role != Role.ADMIN and Role.ADMIN in (user.role, role):
        raise DomainError(_l("Only an administrator can change an administrator."))


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Switch an account off (it can no longer log in, every session ends at once; its
    history stays) or on again."""
    if user.id == actor.id:
        raise DomainError(_l("You cannot switch off your own account."))
    _check_admin_rules(user, actor, user.role)
    if user.active == active:
        return
    user.active = active
    user.end_sessions()
    security_event("account_switched_on" if active else "account_switched_off",
                   user_id=user.id, by_user_id=actor.id if actor is not None else None)
    log_event("user.activated" if active else "user.deactivated", user, actor=actor,
              member_id=user.member_id, before={"active": not active},
              after={"active": active, "email": user.email})


def update_user(user: User, *, name: str, role: str, member: Member | None, locale: str | None,
                active: bool, revision: int, actor: User) -> None:
    """Staff's edit of an account, from a form loaded at ``revision``."""
    if not name.strip():
        raise DomainError(_l("The user needs a name."))
    role_enum = _check_role(role, member, [])
    _check_admin_rules(user, actor, role_enum.value)
    if user.id == actor.id and (not active or role_enum != user.role_enum):
        raise DomainError(_l("You cannot switch off your own account or change your own "
                             "role."))
    if locale is not None and locale not in LANGUAGES:
        raise DomainError(_l("Unknown language."))
    switched_off = user.active and not active
    before = save_profile(user, {"name": name.strip(), "role": role_enum.value,
                                 "member_id": member.id if member else None,
                                 "locale": locale, "active": active},
                          revision=revision, actor=actor)
    if role_enum != Role.CONSULTANT and user.assigned_members:
        user.assigned_members.clear()
    if switched_off or before["role"] != role_enum.value:
        user.end_sessions()  # a new role or no access: take effect everywhere at once
    db.session.expire(user, ["member"])
    log_event("user.updated", user, actor=actor, member_id=user.member_id or before["member_id"],
              before=before, after=user.snapshot())


def remove_contributor(user: User, *, actor: User) -> None:
    """A manager takes a contributor out of their workshop's team: the account is
    switched off (its history stays)."""
    if user.role != Role.MEMBER_CONTRIBUTOR or user.member_id is None \
            or not (manages(actor, user.member_id) or is_staff(actor)):
        raise DomainError(_l("You may only remove contributors of your own workshop."))
    set_active(user, False, actor=actor)
