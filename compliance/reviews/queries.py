"""Reading a pre-audit: the review page's rows as plain columns, in two queries whatever
the number of requirements (the page has up to 150 of them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, or_, select

from compliance.assessments.models import Answer, AnswerEvidence, Assessment, Status
from compliance.assessments.queries import linked_files
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.manual.models import Requirement
from compliance.reviews.models import RequirementVerdict


@dataclass(slots=True)
class ReviewFile:
    id: int
    title: str
    filename: str
    expiry_date: date | None
    withdrawn: bool


@dataclass(slots=True)
class ReviewRow:
    """One included answer with its verdict, as the review page shows it."""

    id: int
    requirement_id: int
    key: str
    chapter_id: int
    position: int
    status: str | None
    justification: str | None
    comment: str | None
    to_confirm: bool
    criticality: str
    basis: str | None
    text_hash: str
    verdict: str | None
    reason: str | None
    finding: str | None
    change_request: str | None
    revision: int | None
    files: list[ReviewFile] = field(default_factory=list)


def review_rows(assessment: Assessment, chapter_id: int | None) -> list[ReviewRow]:
    query = (select(Answer.id, Answer.requirement_id, Answer.requirement_key,
                    Answer.chapter_id, Answer.position, Answer.status,
                    Answer.justification, Answer.comment, Answer.to_confirm,
                    Requirement.criticality, Requirement.basis, Requirement.text_hash,
                    RequirementVerdict.verdict, RequirementVerdict.reason,
                    RequirementVerdict.comment, RequirementVerdict.change_request,
                    RequirementVerdict.revision)
             .join(Requirement, Requirement.id == Answer.requirement_id)
             .outerjoin(RequirementVerdict, RequirementVerdict.answer_id == Answer.id)
             .where(Answer.assessment_id == assessment.id, Answer.included.is_(True))
             .order_by(Answer.position))
    if chapter_id is not None:
        query = query.where(Answer.chapter_id == chapter_id)
    rows = {columns[0]: ReviewRow(*columns) for columns in db.session.execute(query)}
    if rows:
        for answer_id, *columns in linked_files(
                assessment.id, chapter_id, Evidence.id, Evidence.title, Evidence.filename,
                Evidence.expiry_date, Evidence.withdrawn_at.is_not(None)):
            if answer_id in rows:
                rows[answer_id].files.append(ReviewFile(*columns))
    return list(rows.values())


def without_verdict():  # noqa: ANN201
    """The condition "this included answer has no verdict yet" (joined to the verdict)."""
    return or_(RequirementVerdict.id.is_(None), RequirementVerdict.verdict.is_(None))


def missing_keys(assessment: Assessment) -> list[str]:
    """Every requirement still without a verdict, in the manual's order (all of them)."""
    return list(db.session.scalars(
        select(Answer.requirement_key).outerjoin(RequirementVerdict)
        .where(Answer.assessment_id == assessment.id, Answer.included.is_(True),
               without_verdict())
        .order_by(Answer.position)))


def evidenced_compliant_without_verdict(assessment: Assessment) -> list[Answer]:
    """The remaining answers the member gave as compliant (confirmed, not carried over
    unread) with at least one file that is not withdrawn."""
    has_file = exists().where(AnswerEvidence.answer_id == Answer.id,
                              AnswerEvidence.evidence_id == Evidence.id,
                              Evidence.withdrawn_at.is_(None))
    return list(db.session.scalars(
        select(Answer).outerjoin(RequirementVerdict)
        .where(Answer.assessment_id == assessment.id, Answer.included.is_(True),
               Answer.status == Status.COMPLIANT.value, Answer.to_confirm.is_(False),
               without_verdict(), has_file)
        .order_by(Answer.position)))


def answers_by_id(assessment: Assessment, ids: set[int]) -> dict[int, Answer]:
    """The assessment's included answers among ``ids`` (others are not found)."""
    if not ids:
        return {}
    return {a.id: a for a in db.session.scalars(
        select(Answer).where(Answer.assessment_id == assessment.id, Answer.id.in_(ids),
                             Answer.included.is_(True)))}
