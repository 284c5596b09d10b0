"""The sector picture for one campaign: a fixed number of queries, whatever the number
of members (aggregates are computed by the database, scores read from their store)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import mean

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from compliance.actions.models import CorrectiveAction
from compliance.actions.workflow import UNFINISHED
from compliance.assessments.models import Answer, Assessment, State, Status
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.manual.models import Chapter, Requirement
from compliance.manual.queries import chapters_of
from compliance.members.models import Member
from compliance.reviews.models import AssessmentScore, RequirementVerdict, Verdict

TOP_GAPS = 10
OVERDUE_SHOWN = 25
REVIEWED = ASSESSMENT_FLOW.group("reviewed")


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
    #: per reviewed assessment, its score per chapter id: the consultant's once
    #: pre-audited, else the member's own (the heat map's cells)
    member_chapters: dict[int, dict[int, float | None]] = field(default_factory=dict)


def sector_picture(campaign: Campaign | None, *, member_ids: list[int] | None,
                   region: str | None, activity: str | None, today: date,
                   rows_only: bool = False) -> SectorPicture:
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
    if rows_only:  # the CSV export needs the member table only
        return picture
    picture.states = {s.value: 0 for s in State} | Counter(str(r.state) for r in rows)
    picture.readiness = Counter(r.readiness for r in rows if r.readiness)
    picture.heat = _heat(campaign, chapter_scores, by_assessment)
    picture.member_chapters = _member_chapters(chapter_scores, by_assessment)
    picture.gaps = _gaps(campaign, scope)
    picture.overdue, picture.overdue_total = _overdue(campaign, scope, today)
    return picture


def _member_rows(campaign, member_ids, region, activity) -> list[MemberRow]:  # noqa: ANN001
    rows = []
    for assessment_id, state, member_id, code, name, member_region, activities in \
            db.session.execute(
                select(Assessment.id, Assessment.state, Member.id, Member.code, Member.name,
                       Member.region, Member.activities)
                .join(Member, Member.id == Assessment.member_id)
                .where(Assessment.campaign_id == campaign.id).order_by(Member.code)):
        if member_ids is not None and member_id not in member_ids:
            continue
        if region and member_region != region:
            continue
        if activity and activity not in activities:
            continue
        rows.append(MemberRow(assessment_id, member_id, code, name, member_region,
                              list(activities), state))
    return rows


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
    """Overall scores onto the rows; the chapter scores returned as plain tuples."""
    chapter_scores = []
    for assessment_id, chapter_id, self_score, consultant_score, readiness in \
            db.session.execute(select(
                AssessmentScore.assessment_id, AssessmentScore.chapter_id,
                AssessmentScore.self_score, AssessmentScore.consultant_score,
                AssessmentScore.readiness)
                .where(_in_campaign(AssessmentScore.assessment_id, campaign, scope))):
        if chapter_id is None:
            row = by_assessment[assessment_id]
            row.self_score = self_score
            if row.state == State.PRE_AUDITED:  # a pre-audit in progress is not a result
                row.consultant_score, row.readiness = consultant_score, readiness
        else:
            chapter_scores.append((assessment_id, chapter_id, self_score, consultant_score))
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
    chapters = chapters_of(campaign.manual_version_id)
    selfs, consultants, members = defaultdict(list), defaultdict(list), defaultdict(set)
    for assessment_id, chapter_id, self_score, consultant_score in chapter_scores:
        state = by_assessment[assessment_id].state
        if state in REVIEWED and self_score is not None:
            selfs[chapter_id].append(self_score)
            members[chapter_id].add(assessment_id)
        if state == State.PRE_AUDITED and consultant_score is not None:
            consultants[chapter_id].append(consultant_score)
    return [HeatRow(c, mean(selfs[c.id]) if selfs[c.id] else None,
                    mean(consultants[c.id]) if consultants[c.id] else None,
                    len(members[c.id])) for c in chapters]


def _member_chapters(chapter_scores, by_assessment) -> dict[int, dict[int, float | None]]:  # noqa: ANN001
    cells: dict[int, dict[int, float | None]] = defaultdict(dict)
    for assessment_id, chapter_id, self_score, consultant_score in chapter_scores:
        state = by_assessment[assessment_id].state
        if state == State.PRE_AUDITED:
            cells[assessment_id][chapter_id] = consultant_score
        elif state in REVIEWED:
            cells[assessment_id][chapter_id] = self_score
    return dict(cells)


def _gaps(campaign, scope) -> list[GapRow]:  # noqa: ANN001
    """The requirements most often found lacking: non-conformities counted from the
    verdicts, self-declared gaps from the answers (two grouped queries)."""
    counted: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for requirement_id, count in db.session.execute(
            select(Answer.requirement_id, func.count())
            .select_from(RequirementVerdict).join(Answer, Answer.id == RequirementVerdict.answer_id)
            .where(RequirementVerdict.verdict.in_([Verdict.MINOR_NC.value,
                                                   Verdict.MAJOR_NC.value]),
                   _in_campaign(Answer.assessment_id, campaign, scope))
            .group_by(Answer.requirement_id)):
        counted[requirement_id][0] = count
    for requirement_id, count in db.session.execute(
            select(Answer.requirement_id, func.count())
            .where(_in_campaign(Answer.assessment_id, campaign, scope),
                   Answer.included.is_(True), Answer.to_confirm.is_(False),
                   Answer.status.in_([Status.NOT_COMPLIANT.value, Status.PARTIAL.value]))
            .group_by(Answer.requirement_id)):
        counted[requirement_id][1] = count
    top = sorted(counted.items(), key=lambda item: (-sum(item[1]), item[0]))[:TOP_GAPS]
    requirements = {r.id: r for r in db.session.scalars(
        select(Requirement).where(Requirement.id.in_([rid for rid, _ in top])))}
    return [GapRow(requirements[rid], n, s) for rid, (n, s) in top]


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
