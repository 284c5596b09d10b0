"""The life of an assessment, as one table.

    not started → in progress → submitted → in pre-audit → pre-audited
    submitted / in pre-audit → in progress   (sent back; a reason is required)
    pre-audited → in pre-audit               (reopened by staff; a reason is required)

The groups below are the only definition of "editable", "reviewable" and "reviewed";
permissions, pages, dashboards and reports ask for them here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from compliance.audit import log_event
from compliance.permissions import (
    can_view_assessment,
    is_reviewer_of,
    is_staff,
    manages,
    template_predicate,
    works_for,
)
from compliance.signals import assessment_transitioned
from compliance.workflow import Transition, Workflow

if TYPE_CHECKING:
    from compliance.assessments.models import Assessment
    from compliance.auth.models import User


class State(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    IN_PRE_AUDIT = "in_pre_audit"
    PRE_AUDITED = "pre_audited"


STATE_LABELS = {
    State.NOT_STARTED: _l("Not started"),
    State.IN_PROGRESS: _l("In progress"),
    State.SUBMITTED: _l("Submitted"),
    State.IN_PRE_AUDIT: _l("In pre-audit"),
    State.PRE_AUDITED: _l("Pre-audited"),
}
EDITABLE = frozenset({State.NOT_STARTED, State.IN_PROGRESS})
REVIEWABLE = frozenset({State.SUBMITTED, State.IN_PRE_AUDIT})
REVIEWED = frozenset({State.SUBMITTED, State.IN_PRE_AUDIT, State.PRE_AUDITED})


def _member_worker(user: User, assessment: Assessment) -> bool:
    return works_for(user, assessment.member_id)


def _manager(user: User, assessment: Assessment) -> bool:
    return manages(user, assessment.member_id)


def _reviewer(user: User, assessment: Assessment) -> bool:
    return is_reviewer_of(user, assessment.member)


def _staff(user: User, assessment: Assessment) -> bool:
    return is_staff(user)


def _record(assessment: Assessment, transition: Transition, before: dict[str, Any],
            actor: User | None, reason: str | None) -> None:
    log_event("assessment.state", assessment, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id, before={"state": before["state"]},
              after={"state": transition.target, **({"reason": reason} if reason else {})})


LOCKED = _l("This assessment is submitted: it can no longer be changed.")
ASSESSMENT_FLOW: Workflow[State] = Workflow(
    "assessment", states=State, signal=assessment_transitioned, record=_record,
    groups={"editable": EDITABLE, "reviewable": REVIEWABLE, "reviewed": REVIEWED,
            "pre_audited": {State.PRE_AUDITED}},
    transitions=[
        Transition("start", {State.NOT_STARTED}, State.IN_PROGRESS, _member_worker, LOCKED),
        Transition("submit", EDITABLE, State.SUBMITTED, _manager, LOCKED),
        Transition("start_pre_audit", {State.SUBMITTED}, State.IN_PRE_AUDIT, _reviewer,
                   _l("Only a submitted assessment can be pre-audited.")),
        Transition("send_back", REVIEWABLE, State.IN_PROGRESS, _reviewer,
                   _l("Only a submitted assessment can be sent back."), reason_required=True,
                   reason_missing=_l("Say what must change: a reason is required.")),
        Transition("complete_pre_audit", {State.IN_PRE_AUDIT}, State.PRE_AUDITED, _reviewer,
                   _l("Only a pre-audit in progress can be completed.")),
        Transition("reopen_pre_audit", {State.PRE_AUDITED}, State.IN_PRE_AUDIT, _staff,
                   _l("Only a completed pre-audit can be reopened."), reason_required=True,
                   reason_missing=_l("Say why the pre-audit is reopened: a reason is "
                                     "required.")),
    ])


@template_predicate
def can_answer(user: User, assessment: Assessment) -> bool:
    return works_for(user, assessment.member_id) and ASSESSMENT_FLOW.is_in(assessment,
                                                                           "editable")


@template_predicate
def can_submit(user: User, assessment: Assessment) -> bool:
    return ASSESSMENT_FLOW.allows("submit", user, assessment)


@template_predicate
def can_send_back(user: User, assessment: Assessment) -> bool:
    return ASSESSMENT_FLOW.allows("send_back", user, assessment)


@template_predicate
def can_review(user: User, assessment: Assessment) -> bool:
    """Record verdicts: a reviewer of the member, while the assessment is reviewable."""
    return _reviewer(user, assessment) and ASSESSMENT_FLOW.is_in(assessment, "reviewable")


@template_predicate
def can_reopen_pre_audit(user: User, assessment: Assessment) -> bool:
    return ASSESSMENT_FLOW.allows("reopen_pre_audit", user, assessment)


@template_predicate
def can_see_verdicts(user: User, assessment: Assessment) -> bool:
    """Reviewers always; the member once the pre-audit is completed."""
    if _reviewer(user, assessment):
        return True
    return can_view_assessment(user, assessment) and ASSESSMENT_FLOW.is_in(assessment,
                                                                           "pre_audited")


def locked_text(assessment: Assessment) -> str:
    """Why the members can no longer change an assessment, and what they still can do."""
    from flask_babel import format_datetime, gettext

    if ASSESSMENT_FLOW.is_in(assessment, "pre_audited"):
        return gettext("The pre-audit of this assessment is completed: its answers are "
                       "locked and nothing was changed. Proof that a corrective action is "
                       "done is uploaded on the action's page or in the evidence library.")
    if ASSESSMENT_FLOW.is_in(assessment, "reviewable"):
        submitted = assessment.submitted_by.name if assessment.submitted_by else "—"
        when = format_datetime(assessment.submitted_at, "short") \
            if assessment.submitted_at else "—"
        return gettext("This assessment was submitted by %(name)s on %(date)s: it is locked "
                       "while the consultant reviews it, and nothing was changed. The "
                       "consultant can send it back to you for changes.", name=submitted,
                       date=when)
    return str(LOCKED)
