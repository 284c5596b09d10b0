"""What members do with an assessment: answer, take a requirement back in, submit;
and what a consultant or staff may do: send it back for changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from compliance.assessments.models import Answer, Assessment, State, Status
from compliance.audit import log_event
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db

if TYPE_CHECKING:
    from compliance.auth.models import User


class AnswerConflict(DomainError):
    """Someone saved this answer since the form was loaded; nothing was overwritten."""


def flush_or_conflict(message: object) -> None:
    """Write a record that carries a revision; another save in between is a conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        raise AnswerConflict(message) from None


def _require_editable(assessment: Assessment) -> None:
    if not assessment.editable:
        raise DomainError(_l("This assessment is submitted: it can no longer be changed."))


def set_state(assessment: Assessment, state: State, *, actor: User | None,
               reason: str | None = None) -> None:
    before = assessment.state
    assessment.state = state.value
    assessment.state_changed_at = utcnow()
    log_event("assessment.state", assessment, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id, before={"state": before},
              after={"state": state.value, **({"reason": reason} if reason else {})})


def start_assessment(assessment: Assessment, *, actor: User) -> None:
    """The first change a member makes moves the assessment to "in progress"."""
    if assessment.state_enum == State.NOT_STARTED:
        set_state(assessment, State.IN_PROGRESS, actor=actor)


def save_answer(answer: Answer, *, status: str | None, justification: str | None,
                comment: str | None, revision: int, actor: User) -> None:
    """Save one answer; a carried-over answer becomes final when it is saved."""
    assessment = answer.assessment
    _require_editable(assessment)
    if not answer.included:
        raise DomainError(_l("This requirement does not apply to your profile: take it "
                             "back in first."))
    if revision != answer.revision:
        raise AnswerConflict(_l("Someone else saved this answer while you were editing it. "
                                "Your text is shown below: check it and save again."))
    status = status or None
    if status is not None and status not in set(Status):
        raise DomainError(_l("Unknown answer."))
    justification = (justification or "").strip() or None
    if status == Status.NOT_APPLICABLE and not justification:
        raise DomainError(_l("Say why this requirement does not apply: a justification is "
                             "required."))
    before = answer.snapshot()
    answer.status = status
    answer.justification = justification
    answer.comment = (comment or "").strip() or None
    answer.to_confirm = False
    answer.updated_at = utcnow()
    answer.updated_by_id = actor.id
    flush_or_conflict(_l("Someone else saved this answer while you were editing it. "
                         "Your text is shown below: check it and save again."))
    start_assessment(assessment, actor=actor)
    log_event("answer.saved", answer, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id, before=before,
              after={"requirement": answer.requirement_key, **answer.snapshot()})


def include_requirement(answer: Answer, *, justification: str, actor: User) -> None:
    """Take a requirement that does not apply by profile back into the assessment."""
    _require_editable(answer.assessment)
    justification = justification.strip()
    if not justification:
        raise DomainError(_l("Say why this requirement applies to you."))
    if answer.included:
        raise DomainError(_l("This requirement is already part of the assessment."))
    before = answer.snapshot()
    answer.included = True
    answer.inclusion_justification = justification
    start_assessment(answer.assessment, actor=actor)
    log_event("answer.included", answer, actor=actor, member_id=answer.assessment.member_id,
              assessment_id=answer.assessment_id, before=before,
              after={"requirement": answer.requirement_key, **answer.snapshot()})


def missing_answers(assessment: Assessment) -> list[Answer]:
    return [a for a in assessment.answers if a.included and not a.answered]


def submit_assessment(assessment: Assessment, *, actor: User) -> None:
    _require_editable(assessment)
    if not (actor.member_id == assessment.member_id and actor.role == "member_manager"):
        raise DomainError(_l("Only a manager of the member can submit."))
    missing = missing_answers(assessment)
    if missing:
        raise DomainError(_l("%(count)d applicable requirements are not answered yet.",
                             count=len(missing)))
    assessment.submitted_at = utcnow()
    assessment.submitted_by_id = actor.id
    assessment.return_reason = None
    set_state(assessment, State.SUBMITTED, actor=actor)
    from compliance.reviews.scores import refresh_scores  # reviews build on assessments

    refresh_scores(assessment)


def return_assessment(assessment: Assessment, *, reason: str, actor: User) -> None:
    """Send a submitted assessment back to the member for changes."""
    if assessment.state_enum not in (State.SUBMITTED, State.IN_PRE_AUDIT):
        raise DomainError(_l("Only a submitted assessment can be sent back."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Say what must change: a reason is required."))
    assessment.return_reason = reason
    set_state(assessment, State.IN_PROGRESS, actor=actor, reason=reason)
