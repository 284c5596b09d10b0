"""Reading assessments: a fixed number of queries per page, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from compliance.assessments.models import Answer, AnswerEvidence, Assessment, Status
from compliance.campaigns.models import Campaign
from compliance.extensions import db
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


def answers_for_page(assessment: Assessment, chapter_id: int | None, show: str) -> list[Answer]:
    query = (select(Answer).where(Answer.assessment_id == assessment.id)
             .options(joinedload(Answer.requirement), joinedload(Answer.updated_by),
                      joinedload(Answer.verdict),
                      selectinload(Answer.evidence_links).joinedload(AnswerEvidence.evidence))
             .order_by(Answer.position))
    if chapter_id is not None:
        query = query.where(Answer.chapter_id == chapter_id)
    if show == "unanswered":
        query = query.where(Answer.included.is_(True), ~_answered())
    elif show == "not_compliant":
        query = query.where(Answer.status.in_([Status.NOT_COMPLIANT.value,
                                               Status.PARTIAL.value]))
    elif show == "to_confirm":
        query = query.where(Answer.to_confirm.is_(True))
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
