"""The consultant's pre-audit: verdicts, completion with a sign-off, reopening by staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from compliance.actions.services import actions_for_findings
from compliance.assessments.models import Answer, Assessment, State
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.audit import log_event
from compliance.db import utcnow
from compliance.errors import CONFLICT_TEXT, Conflict, DomainError
from compliance.extensions import db
from compliance.reviews.models import NON_CONFORMITIES, PreAudit, RequirementVerdict, Verdict
from compliance.reviews.scores import refresh_scores
from compliance.reviews.workflow import PRE_AUDIT_FLOW
from compliance.revisions import (
    check_revision,
    cleaned,
    lock_row,
    lock_unchanged,
    save_revisioned,
)
from compliance.signals import pre_audit_completing

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.scoring import ScoreCard

VERDICT_CONFLICT = _l("Someone else saved this verdict meanwhile. Your text is shown below: "
                      "check it and save again.")


def _require_reviewable(assessment: Assessment) -> None:
    if not ASSESSMENT_FLOW.is_in(assessment, "reviewable"):
        raise DomainError(_l("Only a submitted assessment can be pre-audited."))


def start_pre_audit(assessment: Assessment, *, actor: User) -> PreAudit:
    """The first verdict starts the pre-audit (or continues it after a send-back)."""
    _require_reviewable(assessment)
    if assessment.pre_audit is None:
        assessment.pre_audit = PreAudit(consultant_id=actor.id)
    if assessment.state == State.SUBMITTED:
        ASSESSMENT_FLOW.move(assessment, "start_pre_audit", actor=actor)
    return assessment.pre_audit


def save_verdict(answer: Answer, *, verdict: str | None, reason: str | None,
                 comment: str | None, change_request: str | None, revision: int | None,
                 actor: User, refresh: bool = True) -> RequirementVerdict:
    """Save the verdict on one answer. ``revision`` is the one the form was loaded at,
    0 when there was no verdict yet: a verdict saved meanwhile is never overwritten.

    Verdicts on one assessment are saved one after the other (its row lock): of two
    first verdicts on an answer the second finds the first and is a conflict naming its
    author, two consultants starting the pre-audit at once both go on, and the stored
    scores count every committed verdict."""
    assessment = answer.assessment
    lock_row(assessment)
    if assessment.pre_audit is None:  # read before the lock: look again
        db.session.refresh(assessment, ["pre_audit"])
    if answer.verdict is None:
        db.session.refresh(answer, ["verdict"])
    _require_reviewable(assessment)
    if verdict and verdict not in set(Verdict):
        raise DomainError(_l("Unknown verdict."))
    reason = cleaned(reason)
    if verdict == Verdict.NOT_APPLICABLE and not reason:
        raise DomainError(_l("Say why the requirement does not apply: a reason is required."))
    if verdict in NON_CONFORMITIES and not cleaned(comment):
        raise DomainError(_l("A non-conformity needs a finding: write what you found on "
                             "%(key)s.", key=answer.requirement_key))
    record = answer.verdict
    check_revision(record, revision, VERDICT_CONFLICT)
    if record is None:
        record = RequirementVerdict(answer=answer)
        db.session.add(record)
    before = save_revisioned(record, {
        "verdict": verdict or None, "reason": reason, "comment": cleaned(comment),
        "change_request": cleaned(change_request)}, actor=actor, conflict=VERDICT_CONFLICT)
    start_pre_audit(assessment, actor=actor)
    if refresh:
        refresh_scores(assessment)
    # Last: appending to the audit chain holds its head (every writer's turn) until commit.
    log_event("verdict.saved", record, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id, before=before,
              after={"requirement": answer.requirement_key, **record.snapshot()})
    return record


def missing_verdicts(assessment: Assessment) -> list[Answer]:
    """The included answers without a verdict yet (one query, not one per answer)."""
    return list(db.session.scalars(
        select(Answer).outerjoin(RequirementVerdict)
        .where(Answer.assessment_id == assessment.id, Answer.included.is_(True),
               or_(RequirementVerdict.id.is_(None), RequirementVerdict.verdict.is_(None)))
        .order_by(Answer.position)))


def sign_off_problems(assessment: Assessment) -> list[str]:
    """What the features above say must be settled before the sign-off (a request to the
    member that the consultant said blocks it)."""
    problems: list[str] = []
    pre_audit_completing.send(assessment, problems=problems)
    return problems


def complete_pre_audit(assessment: Assessment, *, signed_by_name: str, signed_on: date,
                       actor: User) -> ScoreCard:
    """Sign the pre-audit off: locks it and opens a corrective action per non-conformity."""
    lock_unchanged(assessment, CONFLICT_TEXT)  # the assessment first, like every change
    pre_audit = assessment.pre_audit
    if pre_audit is None or not ASSESSMENT_FLOW.allows("complete_pre_audit", actor, assessment):
        raise DomainError(_l("Only a pre-audit in progress can be completed."))
    missing = missing_verdicts(assessment)
    if missing:
        raise DomainError(_l("%(count)d requirements have no verdict yet.", count=len(missing)))
    if not signed_by_name.strip():
        raise DomainError(_l("Sign with your name."))
    problems = sign_off_problems(assessment)
    if problems:
        raise DomainError(" ".join(problems))
    with PRE_AUDIT_FLOW.transition(pre_audit, "complete", actor=actor):
        pre_audit.completed_at = utcnow()
        pre_audit.signed_by_name = signed_by_name.strip()
        pre_audit.signed_on = signed_on
    actions_for_findings(assessment, [a.verdict for a in assessment.answers if a.verdict],
                         signed_on=signed_on, actor=actor)
    ASSESSMENT_FLOW.move(assessment, "complete_pre_audit", actor=actor)
    return refresh_scores(assessment)


def reopen_pre_audit(assessment: Assessment, *, reason: str, actor: User) -> None:
    """Staff reopen a completed pre-audit; a new sign-off is needed."""
    ASSESSMENT_FLOW.move(assessment, "reopen_pre_audit", actor=actor, reason=reason)
    pre_audit = assessment.pre_audit
    with PRE_AUDIT_FLOW.transition(pre_audit, "reopen", actor=actor, reason=reason):
        pre_audit.completed_at = None
        pre_audit.signed_by_name = None
        pre_audit.signed_on = None


# --- many verdicts in one post -----------------------------------------------------------

#: The verdict that agrees with the member's own answer.
AGREEING_VERDICT = {"compliant": Verdict.CONFORM, "partial": Verdict.MINOR_NC,
                    "not_compliant": Verdict.MAJOR_NC,
                    "not_applicable": Verdict.NOT_APPLICABLE}


@dataclass
class VerdictInput:
    """One row of the review page as posted."""

    answer: Answer
    verdict: str | None
    reason: str | None = None
    comment: str | None = None
    change_request: str | None = None
    revision: int | None = None


class RowRefused(DomainError):
    """A refusal of one row of many: names the row, keeps the status (400 or 409)."""

    def __init__(self, answer_id: int, error: DomainError):
        super().__init__(error.message)
        self.answer_id = answer_id
        self.status = 409 if isinstance(error, Conflict) else getattr(error, "status", None)


def accepted(answer: Answer, *, comment: str | None, reason: str | None = None,
             change_request: str | None = None, revision: int | None) -> VerdictInput:
    """The member's answer taken as the verdict: compliant is conform, not applicable is
    not applicable for the member's reason; partial and not compliant are a minor and a
    major non-conformity, which need the consultant's finding. A ``reason`` typed by the
    consultant replaces the member's for "not applicable"."""
    if answer.status is None or answer.to_confirm:
        raise DomainError(_l("%(key)s: the member has not answered, there is nothing to "
                             "accept. Choose a verdict.", key=answer.requirement_key))
    return VerdictInput(answer, AGREEING_VERDICT[answer.status],
                        reason=(reason or answer.justification)
                        if answer.status == "not_applicable" else reason,
                        comment=comment, change_request=change_request,
                        revision=revision)


def save_verdicts(assessment: Assessment, inputs: list[VerdictInput], *,
                  actor: User) -> list[RequirementVerdict]:
    """Save many verdicts as one change: each one checked, saved and audited on its own,
    the scores refreshed once. The first refusal names its row (RowRefused) and the caller
    rolls back: nothing is saved."""
    records = []
    for item in inputs:
        try:
            records.append(save_verdict(
                item.answer, verdict=item.verdict, reason=item.reason, comment=item.comment,
                change_request=item.change_request, revision=item.revision, actor=actor,
                refresh=False))
        except DomainError as error:
            raise RowRefused(item.answer.id, error) from None
    if records:
        refresh_scores(assessment)
    return records
