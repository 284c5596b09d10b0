"""Working on corrective actions: the member carries them out, the consultant verifies."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from compliance.actions.models import ActionStatus, CorrectiveAction
from compliance.audit import log_event
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.reviews.scores import refresh_scores

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.evidence.models import Evidence


def _log(action: CorrectiveAction, name: str, before: dict, actor: User) -> None:
    log_event(name, action, actor=actor, member_id=action.member_id,
              assessment_id=action.assessment_id, before=before,
              after={"requirement": action.requirement_key, **action.snapshot()})


def update_action(action: CorrectiveAction, *, description: str, owner: User | None,
                  due_date: date, actor: User) -> None:
    if action.status == ActionStatus.VERIFIED:
        raise DomainError(_l("A verified action can no longer be changed."))
    if not description.strip():
        raise DomainError(_l("Describe the action."))
    if owner is not None and owner.member_id != action.member_id:
        raise DomainError(_l("The owner must be a user of the member."))
    before = action.snapshot()
    action.description = description.strip()
    action.owner_id = owner.id if owner else None
    action.due_date = due_date
    _log(action, "action.updated", before, actor)


def start_action(action: CorrectiveAction, *, actor: User) -> None:
    if action.status != ActionStatus.OPEN:
        raise DomainError(_l("Only an open action can be started."))
    before = action.snapshot()
    action.status = ActionStatus.IN_PROGRESS.value
    _log(action, "action.started", before, actor)


def complete_action(action: CorrectiveAction, *, closure_note: str,
                    evidence: list[Evidence], actor: User) -> None:
    if action.status not in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
        raise DomainError(_l("This action is already done."))
    if not closure_note.strip():
        raise DomainError(_l("Say what was done: a closure note is required."))
    if any(e.member_id != action.member_id or e.withdrawn for e in evidence):
        raise DomainError(_l("This file cannot support the action."))
    before = action.snapshot()
    action.status = ActionStatus.DONE.value
    action.closure_note = closure_note.strip()
    action.done_at = utcnow()
    for item in evidence:
        if item not in action.evidence:
            action.evidence.append(item)
    _log(action, "action.done", before, actor)


def verify_action(action: CorrectiveAction, *, actor: User) -> None:
    if action.status != ActionStatus.DONE:
        raise DomainError(_l("Only a done action can be verified."))
    before = action.snapshot()
    action.status = ActionStatus.VERIFIED.value
    action.verified_at = utcnow()
    action.verified_by_id = actor.id
    _log(action, "action.verified", before, actor)
    db.session.flush()
    refresh_scores(action.assessment)


def reopen_action(action: CorrectiveAction, *, reason: str, actor: User) -> None:
    if action.status not in (ActionStatus.DONE, ActionStatus.VERIFIED):
        raise DomainError(_l("Only a done or verified action can be reopened."))
    if not reason.strip():
        raise DomainError(_l("Say why the action is reopened: a reason is required."))
    before = action.snapshot()
    action.status = ActionStatus.OPEN.value
    action.reopen_reason = reason.strip()
    action.verified_at = None
    action.verified_by_id = None
    _log(action, "action.reopened", before, actor)
    db.session.flush()
    refresh_scores(action.assessment)
