"""The consultant's pre-audit: verdicts, completion with a sign-off, reopening by staff."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.actions.models import UNFINISHED, ActionStatus, CorrectiveAction
from compliance.assessments.models import Answer, Assessment, State
from compliance.assessments.services import AnswerConflict, flush_or_conflict, set_state
from compliance.audit import log_event
from compliance.auth.models import Role, User
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.i18n import translated
from compliance.reviews.models import (
    NON_CONFORMITIES,
    PreAudit,
    RequirementVerdict,
    Verdict,
)
from compliance.reviews.scores import refresh_scores

if TYPE_CHECKING:
    from compliance.scoring import ScoreCard

ACTION_DAYS = {Verdict.MAJOR_NC.value: 30, Verdict.MINOR_NC.value: 90}
REVIEWABLE = (State.SUBMITTED, State.IN_PRE_AUDIT)


def _require_reviewable(assessment: Assessment) -> None:
    if assessment.state_enum not in REVIEWABLE:
        raise DomainError(_l("Only a submitted assessment can be pre-audited."))


def start_pre_audit(assessment: Assessment, *, actor: User) -> PreAudit:
    _require_reviewable(assessment)
    if assessment.pre_audit is None:
        assessment.pre_audit = PreAudit(consultant_id=actor.id)
    if assessment.state_enum == State.SUBMITTED:
        set_state(assessment, State.IN_PRE_AUDIT, actor=actor)
    return assessment.pre_audit


def save_verdict(answer: Answer, *, verdict: str | None, reason: str | None,
                 comment: str | None, change_request: str | None, revision: int | None,
                 actor: User) -> RequirementVerdict:
    assessment = answer.assessment
    _require_reviewable(assessment)
    if verdict and verdict not in set(Verdict):
        raise DomainError(_l("Unknown verdict."))
    reason = (reason or "").strip() or None
    if verdict == Verdict.NOT_APPLICABLE and not reason:
        raise DomainError(_l("Say why the requirement does not apply: a reason is required."))
    record = answer.verdict
    if record is None:
        record = RequirementVerdict(answer=answer)
        db.session.add(record)
    elif revision is not None and revision != record.revision:
        raise AnswerConflict(_l("Someone else saved this verdict meanwhile. Your text is "
                                "shown below: check it and save again."))
    before = record.snapshot()
    record.verdict = verdict or None
    record.reason = reason
    record.comment = (comment or "").strip() or None
    record.change_request = (change_request or "").strip() or None
    record.updated_at = utcnow()
    record.updated_by_id = actor.id
    flush_or_conflict(_l("Someone else saved this verdict meanwhile. Your text is shown "
                         "below: check it and save again."))
    start_pre_audit(assessment, actor=actor)
    log_event("verdict.saved", record, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id, before=before,
              after={"requirement": answer.requirement_key, **record.snapshot()})
    refresh_scores(assessment)
    return record


def missing_verdicts(assessment: Assessment) -> list[Answer]:
    return [a for a in assessment.answers if a.included and (a.verdict is None
                                                             or a.verdict.verdict is None)]


def first_manager(member_id: int) -> User | None:
    return db.session.scalar(select(User).where(
        User.member_id == member_id, User.role == Role.MEMBER_MANAGER.value,
        User.active.is_(True)).order_by(User.id))


def complete_pre_audit(assessment: Assessment, *, signed_by_name: str, signed_on: date,
                       actor: User) -> ScoreCard:
    """Sign the pre-audit off: locks it and opens a corrective action per non-conformity."""
    if assessment.state_enum != State.IN_PRE_AUDIT:
        raise DomainError(_l("Only a pre-audit in progress can be completed."))
    missing = missing_verdicts(assessment)
    if missing:
        raise DomainError(_l("%(count)d requirements have no verdict yet.", count=len(missing)))
    if not signed_by_name.strip():
        raise DomainError(_l("Sign with your name."))
    pre_audit = assessment.pre_audit
    pre_audit.completed_at = utcnow()
    pre_audit.signed_by_name = signed_by_name.strip()
    pre_audit.signed_on = signed_on
    owner = first_manager(assessment.member_id)
    existing = {a.verdict_id: a for a in db.session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.assessment_id == assessment.id))}
    for answer in assessment.answers:
        record = answer.verdict
        if record is not None and record.id in existing:
            _follow_verdict(existing[record.id], record, signed_on, actor)
            continue
        if record is None or record.verdict not in NON_CONFORMITIES:
            continue
        action = CorrectiveAction(
            verdict_id=record.id, assessment_id=assessment.id, member_id=assessment.member_id,
            requirement_key=answer.requirement_key, severity=record.verdict,
            description=record.comment or translated(answer.requirement.title),
            owner_id=owner.id if owner else None,
            due_date=signed_on + timedelta(days=ACTION_DAYS[record.verdict]))
        db.session.add(action)
        db.session.flush()
        log_event("action.opened", action, actor=actor, member_id=assessment.member_id,
                  assessment_id=assessment.id,
                  after={"requirement": answer.requirement_key, **action.snapshot()})
    set_state(assessment, State.PRE_AUDITED, actor=actor)
    log_event("pre_audit.completed", pre_audit, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id,
              after={"signed_by": pre_audit.signed_by_name, "signed_on": signed_on})
    return refresh_scores(assessment)


def _follow_verdict(action: CorrectiveAction, record: RequirementVerdict, signed_on: date,
                    actor: User) -> None:
    """After a reopened pre-audit: an action keeps up with its (possibly changed) verdict."""
    before = action.snapshot()
    if record.verdict not in NON_CONFORMITIES:
        if action.status in UNFINISHED:
            action.status = ActionStatus.WITHDRAWN.value
    elif record.verdict != action.severity:
        action.severity = record.verdict
        action.due_date = signed_on + timedelta(days=ACTION_DAYS[record.verdict])
        if action.status == ActionStatus.WITHDRAWN:
            action.status = ActionStatus.OPEN.value
    else:
        return
    log_event("action.updated", action, actor=actor, member_id=action.member_id,
              assessment_id=action.assessment_id, before=before,
              after={"requirement": action.requirement_key, **action.snapshot(),
                     "severity": action.severity})


def reopen_pre_audit(assessment: Assessment, *, reason: str, actor: User) -> None:
    if actor.role not in (Role.STAFF, Role.ADMIN):
        raise DomainError(_l("Only association staff can reopen a completed pre-audit."))
    if assessment.state_enum != State.PRE_AUDITED:
        raise DomainError(_l("Only a completed pre-audit can be reopened."))
    if not reason.strip():
        raise DomainError(_l("Say why the pre-audit is reopened: a reason is required."))
    assessment.pre_audit.completed_at = None
    assessment.pre_audit.signed_by_name = None  # a new sign-off is needed
    assessment.pre_audit.signed_on = None
    set_state(assessment, State.IN_PRE_AUDIT, actor=actor, reason=reason.strip())
