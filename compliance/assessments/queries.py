"""Reading assessments: a fixed number of queries per page, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import abort
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import joinedload, selectinload

from compliance.assessments.models import Answer, AnswerEvidence, Assessment, Status
from compliance.auth.models import User
from compliance.campaigns.models import Campaign
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.manual.models import Requirement
from compliance.permissions import can_view_assessment, visible_member_ids

FILTERS = ("all", "unanswered", "not_compliant", "to_confirm")


@dataclass(frozen=True)
class Progress:
    included: int = 0
    answered: int = 0
    to_confirm: int = 0
    not_compliant: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.included) if self.included else 100

    @property
    def missing(self) -> int:
        return self.included - self.answered

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.included + other.included, self.answered + other.answered,
                        self.to_confirm + other.to_confirm,
                        self.not_compliant + other.not_compliant)


def get_assessment_or_404(assessment_id: int, user) -> Assessment:  # noqa: ANN001
    """The assessment, if this user may see it; otherwise 404, never 403."""
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.id == assessment_id)
        .options(joinedload(Assessment.member),
                 joinedload(Assessment.campaign).joinedload(Campaign.manual_version)))
    if assessment is None or not can_view_assessment(user, assessment):
        abort(404)
    return assessment


def _answered():
    return and_(Answer.status.is_not(None), Answer.to_confirm.is_(False))


def progress_by_chapter(assessment_ids: list[int]) -> dict[tuple[int, int], Progress]:
    """(assessment id, chapter id) → progress, for included requirements, in one query."""
    if not assessment_ids:
        return {}
    rows = db.session.execute(
        select(Answer.assessment_id, Answer.chapter_id, func.count(),
               func.sum(case((_answered(), 1), else_=0)),
               func.sum(case((Answer.to_confirm.is_(True), 1), else_=0)),
               func.sum(case((and_(_answered(), Answer.status.in_(
                   [Status.NOT_COMPLIANT.value, Status.PARTIAL.value])), 1), else_=0)))
        .where(Answer.assessment_id.in_(assessment_ids), Answer.included.is_(True))
        .group_by(Answer.assessment_id, Answer.chapter_id)).all()
    return {(a, c): Progress(n, int(done or 0), int(confirm or 0), int(nc or 0))
            for a, c, n, done, confirm, nc in rows}


def total_progress(progress: dict[tuple[int, int], Progress], assessment_id: int) -> Progress:
    return sum((p for (a, _), p in progress.items() if a == assessment_id), Progress())


def _filter(show: str):  # noqa: ANN202
    """The condition of a checklist filter (None: everything)."""
    if show == "unanswered":
        return and_(Answer.included.is_(True), ~_answered())
    if show == "not_compliant":
        return Answer.status.in_([Status.NOT_COMPLIANT.value, Status.PARTIAL.value])
    if show == "to_confirm":
        return Answer.to_confirm.is_(True)
    return None


def answers_for_page(assessment: Assessment, chapter_id: int | None, show: str) -> list[Answer]:
    """The answers of a chapter (or all), with what the pre-audit page shows of them."""
    query = (select(Answer).where(Answer.assessment_id == assessment.id)
             .options(joinedload(Answer.requirement), joinedload(Answer.updated_by),
                      joinedload(Answer.verdict),
                      selectinload(Answer.evidence_links).joinedload(AnswerEvidence.evidence))
             .order_by(Answer.position))
    if chapter_id is not None:
        query = query.where(Answer.chapter_id == chapter_id)
    condition = _filter(show)
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query).unique())


def unanswered(assessment: Assessment) -> list[Answer]:
    """What still blocks submission: the key and title of each unanswered requirement."""
    return list(db.session.scalars(
        select(Answer).where(Answer.assessment_id == assessment.id, Answer.included.is_(True),
                             ~_answered())
        .options(joinedload(Answer.requirement)).order_by(Answer.position)))


def visible_assessments(user) -> list[Assessment]:  # noqa: ANN001
    query = (select(Assessment).join(Assessment.campaign)
             .options(joinedload(Assessment.member),
                      joinedload(Assessment.campaign).joinedload(Campaign.manual_version))
             .order_by(Campaign.due_date.desc(), Assessment.id))
    member_ids = visible_member_ids(user)
    if member_ids is not None:
        query = query.where(Assessment.member_id.in_(member_ids))
    return list(db.session.scalars(query).unique())


def get_answer_or_404(assessment: Assessment, answer_id: int) -> Answer:
    answer = db.session.scalar(
        select(Answer).where(Answer.id == answer_id, Answer.assessment_id == assessment.id)
        .options(selectinload(Answer.evidence_links)))
    if answer is None:
        abort(404)
    return answer


def answers_to_confirm(assessment: Assessment, chapter_id: int | None = None,
                       ids: list[int] | None = None) -> list[Answer]:
    """The carried-over answers still to confirm: of a chapter, of a selection, or all."""
    query = select(Answer).where(Answer.assessment_id == assessment.id,
                                 Answer.to_confirm.is_(True), Answer.included.is_(True))
    if chapter_id is not None:
        query = query.where(Answer.chapter_id == chapter_id)
    if ids is not None:
        query = query.where(Answer.id.in_(ids))
    return list(db.session.scalars(query.order_by(Answer.position)))


@dataclass(slots=True)
class FileRow:
    id: int
    title: str
    filename: str
    document_date: date | None
    expiry_date: date | None
    withdrawn: bool


@dataclass(slots=True)
class ChecklistRow:
    """An answer as the checklist shows it, read as plain columns (the page has up to 150
    of them: ORM objects with their relationships cost more than the rest of the page).
    The requirement's texts come separately, from compliance.assessments.texts."""

    id: int
    requirement_id: int
    requirement_key: str
    included: bool
    applicable_by_profile: bool
    inclusion_justification: str | None
    status: str | None
    justification: str | None
    comment: str | None
    to_confirm: bool
    text_changed: bool
    revision: int
    updated_at: datetime | None
    updated_by: str | None
    criticality: str
    basis: str | None
    text_hash: str
    carried_from: list | None
    verdict: str | None
    verdict_comment: str | None
    change_request: str | None
    evidence_links: list[FileRow] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.status is not None and not self.to_confirm


def _verdict_model():  # noqa: ANN202
    """The verdict belongs to the reviews feature, above this one: reached through the
    relationship that names it, never imported."""
    return Answer.verdict.property.mapper.class_


def checklist_rows(assessment: Assessment, chapter_id: int | None, show: str,
                   keep: int | None = None) -> tuple[list[ChecklistRow], set[int]]:
    """The rows a checklist shows, in two queries, and which of them are there only
    because they are ``keep`` (the one just changed, shown whatever the filter)."""
    verdict = _verdict_model()
    condition = _filter(show)
    matching = (case((condition, True), else_=False) if condition is not None
                else literal(True)).label("matching")
    query = (select(Answer.id, Answer.requirement_id, Answer.requirement_key, Answer.included,
                    Answer.applicable_by_profile, Answer.inclusion_justification,
                    Answer.status, Answer.justification, Answer.comment, Answer.to_confirm,
                    Answer.text_changed, Answer.revision, Answer.updated_at, User.name,
                    Requirement.criticality, Requirement.basis, Requirement.text_hash,
                    Answer.carried_from, verdict.verdict,
                    verdict.comment, verdict.change_request, matching)
             .join(Requirement, Requirement.id == Answer.requirement_id)
             .outerjoin(User, User.id == Answer.updated_by_id)
             .outerjoin(verdict, verdict.answer_id == Answer.id)
             .where(Answer.assessment_id == assessment.id).order_by(Answer.position))
    if chapter_id is not None:
        query = query.where(Answer.chapter_id == chapter_id)
    if condition is not None:
        query = query.where(or_(condition, Answer.id == keep) if keep else condition)
    rows, off_filter = {}, set()
    for *columns, match in db.session.execute(query):
        rows[columns[0]] = ChecklistRow(*columns)
        if not match:
            off_filter.add(columns[0])
    if rows:
        for answer_id, *columns in linked_files(
                assessment.id, chapter_id, Evidence.id, Evidence.title, Evidence.filename,
                Evidence.document_date, Evidence.expiry_date,
                Evidence.withdrawn_at.is_not(None)):
            if answer_id in rows:
                rows[answer_id].evidence_links.append(FileRow(*columns))
    return list(rows.values()), off_filter


def linked_files(assessment_id: int, chapter_id: int | None, *columns: Any) -> Any:
    """(answer id, *columns of the evidence) of every file supporting the assessment's
    answers (a chapter's), oldest link first: one query for a page of rows."""
    query = (select(AnswerEvidence.answer_id, *columns)
             .join(Evidence, Evidence.id == AnswerEvidence.evidence_id)
             .join(Answer, Answer.id == AnswerEvidence.answer_id)
             .where(Answer.assessment_id == assessment_id)
             .order_by(AnswerEvidence.linked_at, Evidence.id))
    if chapter_id is not None:
        query = query.where(Answer.chapter_id == chapter_id)
    return db.session.execute(query)
