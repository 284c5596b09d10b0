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
    from compliance.actions.models import CorrectiveAction
    from compliance.assessments.models import Assessment
    from compliance.auth.models import User
    from compliance.evidence.models import Evidence
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


def works_for(user: User, member_id: int) -> bool:
    """A manager or contributor of this member."""
    return user.is_authenticated and user.member_id == member_id and \
        user.role in (Role.MEMBER_MANAGER, Role.MEMBER_CONTRIBUTOR)


def can_view_assessment(user: User, assessment: Assessment) -> bool:
    return can_view_member(user, assessment.member)


def can_answer(user: User, assessment: Assessment) -> bool:
    return works_for(user, assessment.member_id) and assessment.editable


def can_submit(user: User, assessment: Assessment) -> bool:
    return can_answer(user, assessment) and user.role == Role.MEMBER_MANAGER


def can_send_back(user: User, assessment: Assessment) -> bool:
    from compliance.assessments.models import State

    reviewer = is_staff(user) or (user.is_authenticated and user.role == Role.CONSULTANT
                                  and can_view_member(user, assessment.member))
    return reviewer and assessment.state_enum in (State.SUBMITTED, State.IN_PRE_AUDIT)


def is_reviewer_of(user: User, member: Member) -> bool:
    """Staff, or a consultant assigned to this member."""
    return is_staff(user) or (user.is_authenticated and user.role == Role.CONSULTANT
                              and can_view_member(user, member))


def can_review(user: User, assessment: Assessment) -> bool:
    from compliance.assessments.models import State

    return is_reviewer_of(user, assessment.member) and \
        assessment.state_enum in (State.SUBMITTED, State.IN_PRE_AUDIT)


def can_reopen_pre_audit(user: User, assessment: Assessment) -> bool:
    from compliance.assessments.models import State

    return is_staff(user) and assessment.state_enum == State.PRE_AUDITED


def can_see_verdicts(user: User, assessment: Assessment) -> bool:
    """Reviewers always; the member once the pre-audit is completed."""
    from compliance.assessments.models import State

    if is_reviewer_of(user, assessment.member):
        return True
    return can_view_assessment(user, assessment) and assessment.state_enum == State.PRE_AUDITED


def can_work_on_action(user: User, action: CorrectiveAction) -> bool:
    """The member's managers own the plan; a contributor only the actions given to them."""
    return works_for(user, action.member_id) and (
        user.role == Role.MEMBER_MANAGER or action.owner_id == user.id)


def can_verify_action(user: User, action: CorrectiveAction) -> bool:
    return is_reviewer_of(user, action.member)


def can_view_sector(user: User) -> bool:
    return is_staff(user) or (user.is_authenticated and user.role == Role.CONSULTANT)


def can_view_evidence(user: User, evidence: Evidence) -> bool:
    return can_view_member(user, evidence.member)


def can_manage_evidence(user: User, evidence: Evidence) -> bool:
    return works_for(user, evidence.member_id)


def can_manage_campaigns(user: User) -> bool:
    return is_staff(user)


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


PREDICATES = {
    "is_staff": is_staff,
    "is_admin": is_admin,
    "can_manage_members": can_manage_members,
    "can_manage_users": can_manage_users,
    "can_view_member": can_view_member,
    "can_browse_manual": can_browse_manual,
    "can_view_assessment": can_view_assessment,
    "can_answer": can_answer,
    "can_submit": can_submit,
    "can_send_back": can_send_back,
    "can_manage_evidence": can_manage_evidence,
    "can_manage_campaigns": can_manage_campaigns,
    "can_review": can_review,
    "can_reopen_pre_audit": can_reopen_pre_audit,
    "can_see_verdicts": can_see_verdicts,
    "can_work_on_action": can_work_on_action,
    "can_verify_action": can_verify_action,
    "can_view_sector": can_view_sector,
}
