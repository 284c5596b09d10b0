"""The sector picture for one campaign: a fixed number of queries, whatever the number
of members (aggregates are computed by the database, scores read from their store)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import mean

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from compliance.actions.models import UNFINISHED, CorrectiveAction
from compliance.assessments.models import Answer, Assessment, State, Status
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.manual.models import Chapter, Requirement
from compliance.reviews.models import AssessmentScore, Verdict

TOP_GAPS = 10
OVERDUE_SHOWN = 25
REVIEWED = (State.SUBMITTED.value, State.IN_PRE_AUDIT.value, State.PRE_AUDITED.value)


@dataclass
class MemberRow:
    assessment_id: int
    member_id: int
    code: str
    name: str
    region: str
    activities: list[str]
    state: str
    included: int = 0
    answered: int = 0
    self_score: float | None = None
    consultant_score: float | None = None
    readiness: str | None = None
    open_actions: int = 0
    overdue_actions: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.included) if self.included else 0


@dataclass
class HeatRow:
    chapter: Chapter
    self_rate: float | None
    consultant_rate: float | None
    members: int


@dataclass
class GapRow:
    requirement: Requirement
    nonconformities: int
    self_gaps: int


@dataclass
class SectorPicture:
    campaign: Campaign | None
    rows: list[MemberRow] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)
    readiness: dict[str, int] = field(default_factory=dict)
    heat: list[HeatRow] = field(default_factory=list)
    gaps: list[GapRow] = field(default_factory=list)
    overdue: list[CorrectiveAction] = field(default_factory=list)
    overdue_total: int = 0


def sector_picture(campaign: Campaign | None, *, member_ids: list[int] | None,
                   region: str | None, activity: str | None, today: date) -> SectorPicture:
    """``member_ids`` limits the picture to those members (a consultant's); None: all."""
    if campaign is None:
        return SectorPicture(None)
    rows = _member_rows(campaign, member_ids, region, activity)
    picture = SectorPicture(campaign, rows)
    if not rows:
        return picture
    by_assessment = {r.assessment_id: r for r in rows}
    filtered = member_ids is not None or region or activity
    scope = list(by_assessment) if filtered else None
    _add_progress(campaign, scope, by_assessment)
    chapter_scores = _add_scores(campaign, scope, by_assessment)
    _add_action_counts(campaign, scope, by_assessment, today)
    picture.states = {s.value: 0 for s in State} | Counter(r.state for r in rows)
    picture.readiness = Counter(r.readiness for r in rows if r.readiness)
    picture.heat = _heat(campaign, chapter_scores, by_assessment)
    picture.gaps = _gaps(campaign, scope)
    picture.overdue, picture.overdue_total = _overdue(campaign, scope, today)
    return picture


def _member_rows(campaign, member_ids, region, activity) -> list[MemberRow]:  # noqa: ANN001
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.campaign_id == campaign.id)
        .options(joinedload(Assessment.member))).all()
    rows = []
    for a in assessments:
        member = a.member
        if member_ids is not None and member.id not in member_ids:
            continue
        if region and member.region != region:
            continue
        if activity and activity not in member.activities:
            continue
        rows.append(MemberRow(a.id, member.id, member.code, member.name, member.region,
                              list(member.activities), a.state))
    return sorted(rows, key=lambda r: r.code)


def _in_campaign(column, campaign, scope):  # noqa: ANN001
    """Restrict to the campaign's assessments, or to the filtered ones."""
    if scope is not None:
        return column.in_(scope)
    return column.in_(select(Assessment.id).where(Assessment.campaign_id == campaign.id))


def _add_progress(campaign, scope, by_assessment) -> None:  # noqa: ANN001
    answered = and_(Answer.status.is_not(None), Answer.to_confirm.is_(False))
    for assessment_id, included, done in db.session.execute(
            select(Answer.assessment_id, func.count(), func.sum(case((answered, 1), else_=0)))
            .where(_in_campaign(Answer.assessment_id, campaign, scope),
                   Answer.included.is_(True))
            .group_by(Answer.assessment_id)):
        row = by_assessment[assessment_id]
        row.included, row.answered = included, int(done or 0)


def _add_scores(campaign, scope, by_assessment):  # noqa: ANN001
    chapter_scores = []
    for score in db.session.scalars(select(AssessmentScore).where(
            _in_campaign(AssessmentScore.assessment_id, campaign, scope))):
        row = by_assessment[score.assessment_id]
        if score.chapter_id is None:
            row.self_score, row.consultant_score = score.self_score, score.consultant_score
            row.readiness = score.readiness
        else:
            chapter_scores.append(score)
    return chapter_scores


def _add_action_counts(campaign, scope, by_assessment, today) -> None:  # noqa: ANN001
    unfinished = CorrectiveAction.status.in_(UNFINISHED)
    for assessment_id, open_count, overdue_count in db.session.execute(
            select(CorrectiveAction.assessment_id,
                   func.sum(case((unfinished, 1), else_=0)),
                   func.sum(case((and_(unfinished, CorrectiveAction.due_date < today), 1),
                                 else_=0)))
            .where(_in_campaign(CorrectiveAction.assessment_id, campaign, scope))
            .group_by(CorrectiveAction.assessment_id)):
        row = by_assessment[assessment_id]
        row.open_actions, row.overdue_actions = int(open_count or 0), int(overdue_count or 0)


def _heat(campaign, chapter_scores, by_assessment) -> list[HeatRow]:  # noqa: ANN001
    chapters = db.session.scalars(select(Chapter).where(
        Chapter.manual_version_id == campaign.manual_version_id).order_by(Chapter.position))
    selfs, consultants, members = defaultdict(list), defaultdict(list), defaultdict(set)
    for score in chapter_scores:
        state = by_assessment[score.assessment_id].state
        if state in REVIEWED and score.self_score is not None:
            selfs[score.chapter_id].append(score.self_score)
            members[score.chapter_id].add(score.assessment_id)
        if state == State.PRE_AUDITED and score.consultant_score is not None:
            consultants[score.chapter_id].append(score.consultant_score)
    return [HeatRow(c, mean(selfs[c.id]) if selfs[c.id] else None,
                    mean(consultants[c.id]) if consultants[c.id] else None,
                    len(members[c.id])) for c in chapters]


def _gaps(campaign, scope) -> list[GapRow]:  # noqa: ANN001
    from compliance.reviews.models import RequirementVerdict

    nc = RequirementVerdict.verdict.in_([Verdict.MINOR_NC.value, Verdict.MAJOR_NC.value])
    self_gap = and_(Answer.status.in_([Status.NOT_COMPLIANT.value, Status.PARTIAL.value]),
                    Answer.to_confirm.is_(False))
    nc_count = func.sum(case((nc, 1), else_=0))
    self_count = func.sum(case((self_gap, 1), else_=0))
    rows = db.session.execute(
        select(Answer.requirement_id, nc_count, self_count)
        .outerjoin(RequirementVerdict, RequirementVerdict.answer_id == Answer.id)
        .where(_in_campaign(Answer.assessment_id, campaign, scope), Answer.included.is_(True))
        .group_by(Answer.requirement_id)
        .having((nc_count + self_count) > 0)
        .order_by((nc_count + self_count).desc(), Answer.requirement_id)
        .limit(TOP_GAPS)).all()
    requirements = {r.id: r for r in db.session.scalars(
        select(Requirement).where(Requirement.id.in_([r[0] for r in rows])))}
    return [GapRow(requirements[rid], int(n or 0), int(s or 0)) for rid, n, s in rows]


def _overdue(campaign, scope, today):  # noqa: ANN001
    condition = and_(_in_campaign(CorrectiveAction.assessment_id, campaign, scope),
                     CorrectiveAction.status.in_(UNFINISHED), CorrectiveAction.due_date < today)
    total = db.session.scalar(select(func.count()).select_from(CorrectiveAction)
                              .where(condition))
    shown = db.session.scalars(
        select(CorrectiveAction).where(condition)
        .options(joinedload(CorrectiveAction.member), joinedload(CorrectiveAction.owner))
        .order_by(CorrectiveAction.due_date).limit(OVERDUE_SHOWN)).all()
    return list(shown), int(total or 0)
