"""Corrective actions: opened for each non-conformity when a pre-audit is signed, carried
out by the member, verified by the consultant."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.actions.models import ActionStatus, CorrectiveAction, Severity
from compliance.actions.workflow import ACTION_FLOW
from compliance.audit import log_event
from compliance.auth.models import Role, User
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.i18n import translated
from compliance.revisions import check_revision, save_revisioned

if TYPE_CHECKING:
    from compliance.assessments.models import Assessment
    from compliance.evidence.models import Evidence

DAYS_TO_ACT = {Severity.MAJOR_NC: 30, Severity.MINOR_NC: 90}


def _log(action: CorrectiveAction, name: str, before: dict | None, actor: User | None,
         **extra: Any) -> None:
    log_event(name, action, actor=actor, member_id=action.member_id,
              assessment_id=action.assessment_id, before=before,
              after={"requirement": action.requirement_key, **action.snapshot(), **extra})


def first_manager(member_id: int) -> User | None:
    return db.session.scalar(select(User).where(
        User.member_id == member_id, User.role == Role.MEMBER_MANAGER.value,
        User.active.is_(True)).order_by(User.id))


def actions_for_findings(assessment: Assessment, findings: list[Any], *, signed_on: date,
                         actor: User | None) -> None:
    """After a sign-off: an action for each non-conformity among ``findings`` (the
    pre-audit's verdicts), and the existing ones kept in step with their verdict."""
    existing = {a.verdict_id: a for a in db.session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.assessment_id == assessment.id))}
    owner = first_manager(assessment.member_id)
    for finding in findings:
        if finding.id in existing:
            _follow_finding(existing[finding.id], finding, signed_on, actor)
        elif finding.verdict in set(Severity):
            _open(assessment, finding, owner, signed_on, actor)


def _open(assessment: Assessment, finding: Any, owner: User | None, signed_on: date,
          actor: User | None) -> None:
    answer = finding.answer
    action = CorrectiveAction(
        verdict_id=finding.id, assessment_id=assessment.id, member_id=assessment.member_id,
        requirement_key=answer.requirement_key, severity=finding.verdict,
        description=finding.comment or translated(answer.requirement.title),
        owner_id=owner.id if owner else None,
        due_date=signed_on + timedelta(days=DAYS_TO_ACT[Severity(finding.verdict)]))
    db.session.add(action)
    db.session.flush()
    _log(action, "action.opened", None, actor)


def _follow_finding(action: CorrectiveAction, finding: Any, signed_on: date,
                    actor: User | None) -> None:
    """After a reopened pre-audit: an action keeps up with its (possibly changed)
    finding: withdrawn when it no longer stands, its severity and due date changed."""
    if finding.verdict not in set(Severity):
        if ACTION_FLOW.is_in(action, "unfinished"):
            ACTION_FLOW.move(action, "withdraw", actor=None)
        return
    if finding.verdict != action.severity:
        before = action.snapshot()
        action.severity = finding.verdict
        action.due_date = signed_on + timedelta(days=DAYS_TO_ACT[Severity(finding.verdict)])
        _log(action, "action.updated", before, actor, severity=action.severity)
    if action.status == ActionStatus.WITHDRAWN:  # the finding stands again
        ACTION_FLOW.move(action, "reinstate", actor=None)


ACTION_CONFLICT = _l("Someone else saved this action while you were editing it. What you "
                     "typed is shown below: check it against the saved plan and save again.")


def update_action(action: CorrectiveAction, *, description: str, owner: User | None,
                  due_date: date, revision: int | None, actor: User) -> None:
    """Change the plan; ``revision`` is the one the form was loaded at."""
    if action.status == ActionStatus.VERIFIED:
        raise DomainError(_l("A verified action can no longer be changed."))
    check_revision(action, revision, ACTION_CONFLICT)
    if not description.strip():
        raise DomainError(_l("Describe the action."))
    if owner is not None and owner.member_id != action.member_id:
        raise DomainError(_l("The owner must be a user of the member."))
    before = save_revisioned(action, {"description": description.strip(),
                                      "owner_id": owner.id if owner else None,
                                      "due_date": due_date},
                             actor=actor, conflict=ACTION_CONFLICT)
    _log(action, "action.updated", before, actor)


def start_action(action: CorrectiveAction, *, actor: User) -> None:
    ACTION_FLOW.move(action, "start", actor=actor)


def complete_action(action: CorrectiveAction, *, closure_note: str,
                    evidence: list[Evidence], actor: User) -> None:
    with ACTION_FLOW.transition(action, "complete", actor=actor, reason=closure_note):
        if any(e.member_id != action.member_id or e.withdrawn for e in evidence):
            raise DomainError(_l("This file cannot support the action."))
        action.closure_note = closure_note.strip()
        action.done_at = utcnow()
        for item in evidence:
            if item not in action.evidence:
                action.evidence.append(item)


def verify_action(action: CorrectiveAction, *, actor: User) -> None:
    with ACTION_FLOW.transition(action, "verify", actor=actor):
        action.verified_at = utcnow()
        action.verified_by_id = actor.id


def reopen_action(action: CorrectiveAction, *, reason: str, actor: User) -> None:
    with ACTION_FLOW.transition(action, "reopen", actor=actor, reason=reason):
        action.reopen_reason = reason.strip()
        action.verified_at = None
        action.verified_by_id = None
