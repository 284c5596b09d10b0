"""What members do with an assessment: answer, take a requirement back in, link evidence,
submit; what a reviewer may do to it: send it back for changes. Assessments are created
in carry_over.py, one per member asked by a campaign (see listeners.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compliance.assessments.models import Answer, AnswerEvidence, Assessment, Status
from compliance.assessments.workflow import ASSESSMENT_FLOW, LOCKED
from compliance.audit import log_event
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.profile import applies
from compliance.revisions import check_revision, cleaned, save_revisioned

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.evidence.models import Evidence
    from compliance.members.models import Member

ANSWER_CONFLICT = _l("Someone else saved this answer while you were editing it. Your text "
                     "is shown below: check it and save again.")


class FieldRefused(DomainError):
    """A refusal about one field of the form, shown next to that field."""

    def __init__(self, message: object, field: str):
        super().__init__(message)
        self.field = field


def require_editable(assessment: Assessment) -> None:
    if not ASSESSMENT_FLOW.is_in(assessment, "editable"):
        raise DomainError(LOCKED)


def start_assessment(assessment: Assessment, *, actor: User) -> None:
    """The first change a member makes moves the assessment to "in progress"."""
    ASSESSMENT_FLOW.move_once(assessment, "start", actor=actor)


def save_answer(answer: Answer, *, status: str | None, justification: str | None,
                comment: str | None, revision: int, actor: User) -> None:
    """Save one answer; a carried-over answer becomes final when it is saved."""
    assessment = answer.assessment
    require_editable(assessment)
    if not answer.included:
        raise DomainError(_l("This requirement does not apply to your profile: take it "
                             "back in first."))
    check_revision(answer, revision, ANSWER_CONFLICT)
    status = status or None
    if status is not None and status not in set(Status):
        raise FieldRefused(_l("Unknown answer."), "status")
    justification = cleaned(justification)
    if status == Status.NOT_APPLICABLE and not justification:
        raise FieldRefused(_l("Say why this requirement does not apply: a justification is "
                              "required."), "justification")
    before = save_revisioned(answer, {"status": status, "justification": justification,
                                      "comment": cleaned(comment), "to_confirm": False},
                             actor=actor, conflict=ANSWER_CONFLICT)
    start_assessment(assessment, actor=actor)
    log_event("answer.saved", answer, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id, before=before,
              after={"requirement": answer.requirement_key, **answer.snapshot()})


def answer_differs(answer: Answer, *, status: str | None, justification: str | None,
                   comment: str | None) -> bool:
    """Whether a row's fields say something else than the stored answer."""
    return ((status or None), cleaned(justification), cleaned(comment)) != \
        (answer.status, answer.justification, answer.comment)


@dataclass
class Confirmation:
    """What a bulk confirmation did: the answers confirmed, and those it left alone."""

    confirmed: list[Answer] = field(default_factory=list)
    text_changed: list[Answer] = field(default_factory=list)
    incomplete: list[Answer] = field(default_factory=list)


def confirm_answers(assessment: Assessment, answers: list[Answer], *,
                    actor: User) -> Confirmation:
    """Confirm carried-over answers as they stand, in one step; each is audited like a
    save. Left alone: answers whose requirement changed since (they need a look), answers
    that could not be saved as they are (not applicable without a reason), and answers
    that are no longer to confirm (someone saved them meanwhile)."""
    require_editable(assessment)
    result = Confirmation()
    for answer in answers:
        if answer.assessment_id != assessment.id or not answer.to_confirm \
                or not answer.included:
            continue
        if answer.text_changed:
            result.text_changed.append(answer)
        elif answer.status is None or (answer.status == Status.NOT_APPLICABLE
                                       and not answer.justification):
            result.incomplete.append(answer)
        else:
            before = save_revisioned(answer, {"to_confirm": False}, actor=actor,
                                     conflict=ANSWER_CONFLICT)
            log_event("answer.confirmed", answer, actor=actor, member_id=assessment.member_id,
                      assessment_id=assessment.id, before=before,
                      after={"requirement": answer.requirement_key, **answer.snapshot()})
            result.confirmed.append(answer)
    if result.confirmed:
        start_assessment(assessment, actor=actor)
    return result


def include_requirement(answer: Answer, *, justification: str, actor: User) -> None:
    """Take a requirement that does not apply by profile back into the assessment."""
    require_editable(answer.assessment)
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


def require_takes_evidence(answer: Answer) -> None:
    """Evidence supports a requirement of the assessment: none on one left out of it
    (not applicable to the member's profile). An answer "not applicable" may still
    carry a document that backs its justification (a subcontracting agreement...)."""
    require_editable(answer.assessment)
    if not answer.included:
        raise DomainError(_l("This requirement does not apply to your profile: take it back "
                             "in before adding evidence."))


def link_evidence(answer: Answer, evidence: Evidence, *, actor: User) -> None:
    assessment = answer.assessment
    require_takes_evidence(answer)
    if evidence.member_id != assessment.member_id:
        raise DomainError(_l("This file belongs to another member."))
    if evidence.withdrawn:
        raise DomainError(_l("This file was withdrawn and cannot support an answer."))
    if any(link.evidence_id == evidence.id for link in answer.evidence_links):
        raise DomainError(_l("This file already supports this requirement."))
    answer.evidence_links.append(AnswerEvidence(evidence=evidence, linked_by_id=actor.id))
    db.session.flush()
    start_assessment(assessment, actor=actor)
    log_event("evidence.linked", answer, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id,
              after={"requirement": answer.requirement_key, "evidence": evidence.id,
                     "sha256": evidence.sha256})


def unlink_evidence(answer: Answer, evidence: Evidence, *, actor: User) -> None:
    assessment = answer.assessment
    require_editable(assessment)
    link = db.session.get(AnswerEvidence, (answer.id, evidence.id))
    if link is None:
        raise DomainError(_l("This file does not support this requirement."))
    db.session.delete(link)  # the file and its history stay; only the link goes
    db.session.flush()
    log_event("evidence.unlinked", answer, actor=actor, member_id=assessment.member_id,
              assessment_id=assessment.id,
              before={"requirement": answer.requirement_key, "evidence": evidence.id,
                      "sha256": evidence.sha256})


def missing_answers(assessment: Assessment) -> list[Answer]:
    return [a for a in assessment.answers if a.included and not a.answered]


def submit_assessment(assessment: Assessment, *, actor: User) -> None:
    with ASSESSMENT_FLOW.transition(assessment, "submit", actor=actor):
        missing = missing_answers(assessment)
        if missing:
            raise DomainError(_l("%(count)d applicable requirements are not answered yet.",
                                 count=len(missing)))
        assessment.submitted_at = utcnow()
        assessment.submitted_by_id = actor.id
        assessment.return_reason = None


def return_assessment(assessment: Assessment, *, reason: str, actor: User) -> None:
    """Send a submitted assessment back to the member for changes."""
    with ASSESSMENT_FLOW.transition(assessment, "send_back", actor=actor, reason=reason):
        assessment.return_reason = reason.strip()


def follow_member_profile(member: Member, *, actor: User | None) -> list[Assessment]:
    """A member's activities changed: in each of its assessments still open to answers,
    the requirements that apply follow the new profile. Those that stop applying leave
    the checklist with their answers kept (taken back in, they come back as they were);
    those that start applying appear, unanswered unless answered before. A requirement
    the member took in themselves stays in."""
    open_ones = db.session.scalars(
        select(Assessment).where(Assessment.member_id == member.id,
                                 Assessment.state.in_(ASSESSMENT_FLOW.group("editable")))
        .options(selectinload(Assessment.answers).selectinload(Answer.requirement))).all()
    for assessment in open_ones:
        added, removed = [], []
        for answer in assessment.answers:
            applies_now = applies(answer.requirement.applies_to, member.activities)
            if applies_now == answer.applicable_by_profile:
                continue
            answer.applicable_by_profile = applies_now
            if applies_now and not answer.included:
                answer.included = True
                added.append(answer.requirement_key)
            elif not applies_now and not answer.inclusion_justification:
                answer.included = False
                removed.append(answer.requirement_key)
        if added or removed:
            db.session.flush()
            log_event("assessment.profile_followed", assessment, actor=actor,
                      member_id=member.id, assessment_id=assessment.id,
                      after={"activities": list(member.activities), "now_apply": added,
                             "no_longer_apply": removed})
    return list(open_ones)
