"""Who someone is to an object: the role and membership rules every feature builds on.

What may happen to an object *now* also depends on its state; those rules live in the
feature's ``workflow.py`` (``can_submit``, ``can_review``...), built from these. Every
predicate a template may ask is registered with :func:`template_predicate`, so a button
is hidden by the same rule that refuses the request. Objects of another member are a
404 (see the ``get_..._or_404`` loaders), never a 403: their existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from compliance.auth.models import Role

if TYPE_CHECKING:
    from compliance.assessments.models import Assessment
    from compliance.auth.models import User
    from compliance.evidence.models import Evidence
    from compliance.members.models import Member

F = TypeVar("F", bound=Callable[..., Any])
#: name → predicate, offered to every template by create_app's context processor.
PREDICATES: dict[str, Callable[..., bool]] = {}


def template_predicate(predicate: F) -> F:
    PREDICATES[predicate.__name__] = predicate
    return predicate


@template_predicate
def is_staff(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.STAFF, Role.ADMIN)


@template_predicate
def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


@template_predicate
def can_manage_members(user: User) -> bool:
    return is_staff(user)


@template_predicate
def can_manage_users(user: User) -> bool:
    return is_staff(user)


@template_predicate
def can_manage_campaigns(user: User) -> bool:
    return is_staff(user)


@template_predicate
def can_browse_manual(user: User) -> bool:
    return user.is_authenticated


@template_predicate
def can_view_member(user: User, member: Member) -> bool:
    if not user.is_authenticated:
        return False
    if is_staff(user):
        return True
    if user.role == Role.CONSULTANT:
        return any(m.id == member.id for m in user.assigned_members)
    return user.member_id == member.id


def works_for(user: User, member_id: int) -> bool:
    """A manager or contributor of this member."""
    return user.is_authenticated and user.member_id == member_id and \
        user.role in (Role.MEMBER_MANAGER, Role.MEMBER_CONTRIBUTOR)


def manages(user: User, member_id: int) -> bool:
    """A manager of this member."""
    return works_for(user, member_id) and user.role == Role.MEMBER_MANAGER


def is_reviewer_of(user: User, member: Member) -> bool:
    """Staff, or a consultant assigned to this member."""
    return is_staff(user) or (user.is_authenticated and user.role == Role.CONSULTANT
                              and can_view_member(user, member))


@template_predicate
def can_view_assessment(user: User, assessment: Assessment) -> bool:
    return can_view_member(user, assessment.member)


def can_view_evidence(user: User, evidence: Evidence) -> bool:
    return can_view_member(user, evidence.member)


@template_predicate
def can_manage_evidence(user: User, evidence: Evidence) -> bool:
    return works_for(user, evidence.member_id)


@template_predicate
def can_view_sector(user: User) -> bool:
    return is_staff(user) or (user.is_authenticated and user.role == Role.CONSULTANT)


def visible_member_ids(user: User) -> list[int] | None:
    """The members whose objects this user may see; None means all of them."""
    if is_staff(user):
        return None
    if user.role == Role.CONSULTANT:
        return [m.id for m in user.assigned_members]
    return [user.member_id] if user.member_id else []


def staff_required(view):
    """Staff pages: a 403 for other roles (the page exists; it is not another's object)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_staff(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
