"""The life of a corrective action, as one table.

    open → in progress → done → verified
    open / in progress → done                (marked done with what was done)
    done / verified → open                   (reopened by the reviewer, with a reason)
    open / in progress → withdrawn → open    (its finding no longer stands after a
                                              reopened pre-audit, or stands again)
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from compliance.audit import log_event
from compliance.permissions import is_reviewer_of, manages, template_predicate, works_for
from compliance.signals import action_transitioned
from compliance.workflow import Transition, Workflow

if TYPE_CHECKING:
    from compliance.actions.models import CorrectiveAction
    from compliance.auth.models import User


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    WITHDRAWN = "withdrawn"  # the finding no longer stands after a reopened pre-audit


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done, to verify"),
    ActionStatus.VERIFIED: _l("Verified"),
    ActionStatus.WITHDRAWN: _l("Withdrawn: the finding no longer stands"),
}
UNFINISHED = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})
FINISHED = frozenset({ActionStatus.DONE, ActionStatus.VERIFIED})
# The audit event of each transition.
EVENTS = {"start": "action.started", "complete": "action.done", "verify": "action.verified",
          "reopen": "action.reopened", "withdraw": "action.withdrawn",
          "reinstate": "action.reinstated"}


@template_predicate
def can_work_on_action(user: User, action: CorrectiveAction) -> bool:
    """The member's managers own the plan; a contributor only the actions given to them."""
    return manages(user, action.member_id) or (
        works_for(user, action.member_id) and action.owner_id == user.id)


@template_predicate
def can_verify_action(user: User, action: CorrectiveAction) -> bool:
    return is_reviewer_of(user, action.member)


def _record(action: CorrectiveAction, transition: Transition, before: dict[str, Any],
            actor: User | None, reason: str | None) -> None:
    log_event(EVENTS[transition.name], action, actor=actor, member_id=action.member_id,
              assessment_id=action.assessment_id, before=before,
              after={"requirement": action.requirement_key, **action.snapshot()})


ACTION_FLOW: Workflow[ActionStatus] = Workflow(
    "action", states=ActionStatus, attribute="status", signal=action_transitioned,
    record=_record, groups={"unfinished": UNFINISHED, "finished": FINISHED},
    transitions=[
        Transition("start", {ActionStatus.OPEN}, ActionStatus.IN_PROGRESS, can_work_on_action,
                   _l("Only an open action can be started.")),
        Transition("complete", UNFINISHED, ActionStatus.DONE, can_work_on_action,
                   _l("This action is already done."), reason_required=True,
                   reason_missing=_l("Say what was done: a closure note is required.")),
        Transition("verify", {ActionStatus.DONE}, ActionStatus.VERIFIED, can_verify_action,
                   _l("Only a done action can be verified.")),
        Transition("reopen", FINISHED, ActionStatus.OPEN, can_verify_action,
                   _l("Only a done or verified action can be reopened."),
                   reason_required=True,
                   reason_missing=_l("Say why the action is reopened: a reason is required.")),
        Transition("withdraw", UNFINISHED, ActionStatus.WITHDRAWN, can_verify_action,
                   _l("Only an unfinished action can be withdrawn.")),
        Transition("reinstate", {ActionStatus.WITHDRAWN}, ActionStatus.OPEN, can_verify_action,
                   _l("Only a withdrawn action can be opened again.")),
    ])
