"""Who may do what: one module of predicates, used by views, loaders and templates.

A button is hidden by the same rule that refuses the request. Objects of another member
are a 404 (see ``get_member_or_404``), never a 403: their existence is not revealed.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user, login_required

from compliance.auth.models import Role

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.members.models import Member


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.STAFF, Role.ADMIN)


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def can_manage_members(user: User) -> bool:
    return is_staff(user)


def can_manage_users(user: User) -> bool:
    return is_staff(user)


def can_view_member(user: User, member: Member) -> bool:
    if not user.is_authenticated:
        return False
    if is_staff(user):
        return True
    if user.role == Role.CONSULTANT:
        return any(m.id == member.id for m in user.assigned_members)
    return user.member_id == member.id


def can_browse_manual(user: User) -> bool:
    return user.is_authenticated


def staff_required(view):
    """Staff pages: a 403 for other roles (the page exists; it is not another's object)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_staff(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


PREDICATES = {
    "is_staff": is_staff,
    "is_admin": is_admin,
    "can_manage_members": can_manage_members,
    "can_manage_users": can_manage_users,
    "can_view_member": can_view_member,
    "can_browse_manual": can_browse_manual,
}
