"""The life of a pre-audit, as one table.

    (started with the first verdict)  in progress → completed   (signed off)
                                      completed → in progress   (reopened by staff, with a
                                                                 reason; signed again later)

Each transition goes with the assessment's own (``complete_pre_audit``,
``reopen_pre_audit`` in ``compliance.assessments.workflow``), made by the services.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from compliance.audit import log_event
from compliance.permissions import is_reviewer_of, is_staff
from compliance.signals import pre_audit_transitioned
from compliance.workflow import Transition, Workflow

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.reviews.models import PreAudit


class PreAuditState(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


def _reviewer(user: User, pre_audit: PreAudit) -> bool:
    return is_reviewer_of(user, pre_audit.assessment.member)


def _staff(user: User, pre_audit: PreAudit) -> bool:
    return is_staff(user)


def _record(pre_audit: PreAudit, transition: Transition, before: dict[str, Any],
            actor: User | None, reason: str | None) -> None:
    assessment = pre_audit.assessment
    after = {"signed_by": pre_audit.signed_by_name, "signed_on": pre_audit.signed_on} \
        if transition.name == "complete" else {"reason": reason}
    log_event(f"pre_audit.{'completed' if transition.name == 'complete' else 'reopened'}",
              pre_audit, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id, before=before, after=after)


PRE_AUDIT_FLOW: Workflow[PreAuditState] = Workflow(
    "pre_audit", states=PreAuditState, signal=pre_audit_transitioned, record=_record,
    groups={"open": {PreAuditState.IN_PROGRESS}, "completed": {PreAuditState.COMPLETED}},
    transitions=[
        Transition("complete", {PreAuditState.IN_PROGRESS}, PreAuditState.COMPLETED, _reviewer,
                   _l("Only a pre-audit in progress can be completed.")),
        Transition("reopen", {PreAuditState.COMPLETED}, PreAuditState.IN_PROGRESS, _staff,
                   _l("Only a completed pre-audit can be reopened."), reason_required=True,
                   reason_missing=_l("Say why the pre-audit is reopened: a reason is "
                                     "required.")),
    ])
