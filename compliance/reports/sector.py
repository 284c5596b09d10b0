"""The sector readiness report: where the members of one campaign stand — states,
readiness, chapter scores, frequent gaps, overdue actions, the trend across campaigns
and every member by code — its data, its builder and its renderer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from statistics import mean
from typing import ClassVar

from flask_babel import gettext as _
from reportlab.platypus import Flowable, PageBreak
from sqlalchemy import and_, select

from compliance.actions.models import CorrectiveAction
from compliance.assessments.models import Assessment, State
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.campaigns.models import Campaign
from compliance.dashboard.sector import sector_picture
from compliance.extensions import db
from compliance.i18n import translated
from compliance.manual.models import Requirement
from compliance.members.models import Member
from compliance.reports.common import (
    CONSULTANT_COLOUR,
    SELF_COLOUR,
    Fingerprinted,
    Words,
    WordsMixin,
    as_of,
    checked_language,
    generation_time,
    percent,
    renders,
    rounded,
    word,
)
from compliance.reports.listing import Note, data_table, facts_table
from compliance.reports.pdf import (
    BAND_COLOURS,
    BRAND,
    WIDTH,
    ReportRenderer,
    band,
    bar_chart,
    gap,
    heading,
    para,
)
from compliance.reviews.models import AssessmentScore
from compliance.scoring import Readiness

SCORE_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))
REVIEWED = ASSESSMENT_FLOW.group("reviewed")


@dataclass(frozen=True)
class SectorMember:
    code: str
    name: str | None  # None when anonymised
    enterprise_number: str | None  # None when anonymised
    region: str
    state: str
    progress: int  # percent of applicable requirements answered
    self_score: float | None
    consultant_score: float | None
    readiness: str | None  # only once pre-audited
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class ChapterHeat:
    key: str
    title: str
    self_rate: float | None
    consultant_rate: float | None
    members: int


@dataclass(frozen=True)
class FrequentGap:
    key: str
    title: str
    references: tuple[str, ...]
    nonconformities: int
    self_gaps: int


@dataclass(frozen=True)
class OverdueAction:
    member_code: str
    member_name: str | None  # None when anonymised
    key: str
    title: str
    severity: str
    due_date: date
    status: str


@dataclass(frozen=True)
class CampaignTrend:
    title: str
    due_date: date
    members: int
    submitted: int  # submitted, in pre-audit or pre-audited
    pre_audited: int
    mean_self: float | None
    mean_consultant: float | None
    ready: int


@dataclass(frozen=True)
class SectorReportData(Fingerprinted):
    kind: ClassVar[str] = "sector"

    language: str
    generated_at: datetime
    as_of: date
    campaign_title: str
    campaign_due: date
    manual_title: str
    manual_version: str
    anonymised: bool
    scope: str  # "all" or "assigned" (a consultant's members)
    states: tuple[tuple[str, int], ...]
    readiness: tuple[tuple[str, int], ...]
    score_bands: tuple[tuple[str, int], ...]
    heat: tuple[ChapterHeat, ...]
    gaps: tuple[FrequentGap, ...]
    overdue: tuple[OverdueAction, ...]
    overdue_total: int
    trend: tuple[CampaignTrend, ...]
    members: tuple[SectorMember, ...]

    @property
    def pre_audited(self) -> int:
        return sum(n for _, n in self.readiness)


def band_label(low: int, high: int) -> str:
    return f"{low}–{min(high, 100)}"


def score_bands(scores: list[float]) -> tuple[tuple[str, int], ...]:
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for value in scores:
        counts[next(b for b in SCORE_BANDS if b[0] <= value < b[1])] += 1
    return tuple((band_label(*b), counts[b]) for b in SCORE_BANDS)


# the builder: from the database to the dataclasses -------------------------------------

def build_sector_report(campaign: Campaign, language: str, anonymised: bool = True, *,
                        member_ids: list[int] | None = None, today: date | None = None,
                        now: datetime | None = None) -> SectorReportData:
    """The sector's readiness in one campaign; ``member_ids`` limits it to a
    consultant's members (None: every member). Anonymised, it holds member codes and
    no names or enterprise numbers anywhere."""
    language = checked_language(language)
    today, now = today or as_of(now), now or generation_time()
    picture = sector_picture(campaign, member_ids=member_ids, region=None, activity=None,
                             today=today)
    audited = [r for r in picture.rows if r.state == State.PRE_AUDITED]
    version = campaign.manual_version
    return SectorReportData(
        language=language, generated_at=now, as_of=today, campaign_title=campaign.title,
        campaign_due=campaign.due_date, manual_title=translated(version.title, language),
        manual_version=version.version, anonymised=anonymised,
        scope="all" if member_ids is None else "assigned",
        states=tuple((s.value, picture.states.get(s.value, 0)) for s in State),
        readiness=tuple((r.value, sum(m.readiness == r.value for m in audited))
                        for r in Readiness),
        score_bands=score_bands([m.consultant_score for m in audited
                                 if m.consultant_score is not None]),
        heat=tuple(ChapterHeat(h.chapter.key, translated(h.chapter.title, language),
                               rounded(h.self_rate), rounded(h.consultant_rate), h.members)
                   for h in picture.heat),
        gaps=tuple(FrequentGap(g.requirement.key, translated(g.requirement.title, language),
                               tuple(g.requirement.references), g.nonconformities, g.self_gaps)
                   for g in picture.gaps),
        overdue=_overdue(picture.overdue, version.id, language, anonymised),
        overdue_total=picture.overdue_total,
        trend=_trend(campaign, member_ids),
        members=_sector_members(picture.rows, anonymised))


def _sector_members(rows, anonymised: bool) -> tuple[SectorMember, ...]:  # noqa: ANN001
    numbers = {} if anonymised else dict(db.session.execute(
        select(Member.id, Member.enterprise_number)).all())
    return tuple(SectorMember(
        code=row.code, name=None if anonymised else row.name,
        enterprise_number=numbers.get(row.member_id),
        region=row.region, state=row.state, progress=row.percent,
        self_score=rounded(row.self_score), consultant_score=rounded(row.consultant_score),
        readiness=row.readiness if row.state == State.PRE_AUDITED else None,
        open_actions=row.open_actions, overdue_actions=row.overdue_actions)
        for row in rows)


def _overdue(actions: list[CorrectiveAction], version_id: int, language: str,
             anonymised: bool) -> tuple[OverdueAction, ...]:
    titles = dict(db.session.execute(select(Requirement.key, Requirement.title).where(
        Requirement.manual_version_id == version_id,
        Requirement.key.in_({a.requirement_key for a in actions}))).all())
    return tuple(OverdueAction(
        member_code=a.member.code, member_name=None if anonymised else a.member.name,
        key=a.requirement_key, title=translated(titles.get(a.requirement_key), language),
        severity=a.severity, due_date=a.due_date, status=a.status) for a in actions)


def _trend(campaign: Campaign, member_ids: list[int] | None) -> tuple[CampaignTrend, ...]:
    """This campaign and the earlier ones (by due date), for the same members: what
    was submitted, pre-audited, the mean scores and how many were ready."""
    query = (select(Campaign.id, Campaign.title, Campaign.due_date, Assessment.state,
                    AssessmentScore.self_score, AssessmentScore.consultant_score,
                    AssessmentScore.readiness)
             .join(Assessment, Assessment.campaign_id == Campaign.id)
             .outerjoin(AssessmentScore, and_(AssessmentScore.assessment_id == Assessment.id,
                                              AssessmentScore.chapter_id.is_(None)))
             .where(Campaign.due_date <= campaign.due_date)
             .order_by(Campaign.due_date, Campaign.id))
    if member_ids is not None:
        query = query.where(Assessment.member_id.in_(member_ids))
    rows: dict[int, list] = defaultdict(list)
    heads: dict[int, tuple[str, date]] = {}
    for cid, title, due, state, own, theirs, ready in db.session.execute(query):
        heads[cid] = (title, due)
        rows[cid].append((state, own, theirs, ready))
    return tuple(_trend_point(*heads[cid], rows[cid]) for cid in heads)


def _trend_point(title: str, due: date, rows: list) -> CampaignTrend:  # noqa: ANN001
    reviewed = [r for r in rows if r[0] in REVIEWED]
    audited = [r for r in rows if r[0] == State.PRE_AUDITED]
    selfs = [r[1] for r in reviewed if r[1] is not None]
    theirs = [r[2] for r in audited if r[2] is not None]
    return CampaignTrend(
        title=title, due_date=due, members=len(rows), submitted=len(reviewed),
        pre_audited=len(audited), mean_self=rounded(mean(selfs)) if selfs else None,
        mean_consultant=rounded(mean(theirs)) if theirs else None,
        ready=sum(r[3] == Readiness.READY for r in audited))


# the renderer: from the dataclasses to PDF ---------------------------------------------

@renders(SectorReportData)
class SectorReport(WordsMixin, ReportRenderer):
    data: SectorReportData

    def title(self) -> str:
        return _("Sector readiness report")

    def subject(self) -> str:
        data = self.data
        return f"{data.campaign_title} — {data.manual_title} {data.manual_version}"

    def running_title(self) -> str:
        anonymity = _("anonymised") if self.data.anonymised else _("with member names")
        return f"{self.title()} · {self.data.campaign_title} · {anonymity}"

    def author(self) -> str:
        return _("The association")

    def story(self) -> list[Flowable]:
        self.words = Words()
        return [*self.cover(), *self.states(), *self.readiness(), *self.heat(), *self.gaps(),
                *self.overdue(), *self.trend(), *self.members()]

    def cover(self) -> list[Flowable]:
        data = self.data
        story = [para(self.title(), "cover_title"),
                 para(f"{data.campaign_title} · {data.manual_title}", "cover_subtitle")]
        if data.anonymised:
            story.append(para(_("Anonymised: members are shown by their code only. The report "
                                "holds no member names and no enterprise numbers."), "body"))
        else:
            story.append(para(_("Not anonymised: this report shows member names and "
                                "enterprise numbers. Share it only with those who may see "
                                "them."), "notice"))
        scope = _("every member asked in the campaign") if data.scope == "all" else \
            _("the members assigned to you")
        members = len(data.members)
        submitted = sum(count for state, count in data.states if state in REVIEWED)
        version = _("version %(version)s", version=data.manual_version)
        story += [gap(4), facts_table([
            (_("Campaign"), data.campaign_title),
            (_("Due date"), self.day(data.campaign_due)),
            (_("Manual version"), f"{data.manual_title} — {version}"),
            (_("Members"), f"{members} ({scope})"),
            (_("Submitted"), f"{submitted} / {members}"),
            (_("Pre-audited"), f"{data.pre_audited} / {members}"),
            (_("Ready"), f"{dict(data.readiness).get('ready', 0)} / {data.pre_audited}"),
            (_("Overdue corrective actions"), str(data.overdue_total)),
            (_("Situation on"), self.day(data.as_of)),
        ]), gap(10), *self.fingerprint_block(), PageBreak()]
        return story

    def count_table(self, head: str, counts: list[tuple[str, int]], total: int) -> Flowable:
        return data_table([head, _("Members"), _("Share")],
                          [(name, str(count), percent(100 * count / (total or 1)))
                           for name, count in counts], [WIDTH - 140, 70, 70], numeric=(1, 2))

    def states(self) -> list[Flowable]:
        counts = [(word(self.words.state, state), count) for state, count in self.data.states]
        story = heading(_("Members by state"), 0, "states")
        story.append(bar_chart([name for name, _count in counts],
                               [(_("Members"), [count for _name, count in counts], BRAND)],
                               maximum=None))
        return [*story, gap(4), self.count_table(_("State"), counts, len(self.data.members))]

    def readiness(self) -> list[Flowable]:
        data = self.data
        story = heading(_("Readiness after pre-audit"), 0, "readiness")
        story.append(para(_("%(audited)d of %(total)d members pre-audited.",
                            audited=data.pre_audited, total=len(data.members))))
        counts = [(word(self.words.readiness, r), count) for r, count in data.readiness]
        story.append(self.count_table(_("Readiness"), counts, data.pre_audited))
        story += heading(_("Consultant scores of the pre-audited members"), 1, "score-bands")
        story.append(bar_chart([name for name, _count in data.score_bands],
                               [(_("Members"), [count for _name, count in data.score_bands],
                                 BRAND)], maximum=None))
        story += [gap(4), self.count_table(_("Consultant score"), list(data.score_bands),
                                           data.pre_audited)]
        return story

    def heat(self) -> list[Flowable]:
        story = heading(_("Compliance rate by chapter"), 0, "heat")
        story.append(para(_("Mean chapter scores: self-assessed over the submitted "
                            "assessments, after pre-audit over the pre-audited ones. "
                            "Green from 80, amber from 60, red below."), "small"))
        rows, backgrounds = [], {}
        for row, h in enumerate(self.data.heat):
            rows.append((h.key, h.title, percent(h.self_rate), percent(h.consultant_rate),
                         str(h.members)))
            backgrounds |= {(row, column): BAND_COLOURS[band(rate)]
                            for column, rate in ((2, h.self_rate), (3, h.consultant_rate))}
        story.append(data_table(
            [_("Chapter"), _("Title"), _("Self-assessed"), _("After pre-audit"), _("Members")],
            rows, [48, WIDTH - 268, 80, 80, 60], numeric=(2, 3, 4), backgrounds=backgrounds))
        return story

    def gaps(self) -> list[Flowable]:
        story = heading(_("Most frequent gaps"), 0, "gaps")
        if not self.data.gaps:
            return [*story, para(_("No gaps recorded yet."))]
        story.append(data_table(
            [_("Requirement"), _("Legal references"), _("Non-conformities"),
             _("Self-declared gaps")],
            [(f"{g.key}\n{g.title}", "; ".join(g.references), str(g.nonconformities),
              str(g.self_gaps)) for g in self.data.gaps],
            [WIDTH - 280, 150, 65, 65], numeric=(2, 3)))
        return story

    def overdue(self) -> list[Flowable]:
        data = self.data
        story = heading(_("Overdue corrective actions"), 0, "overdue")
        if not data.overdue:
            return [*story, para(_("No corrective actions."))]
        if data.overdue_total > len(data.overdue):
            story.append(para(_("The %(shown)d longest overdue of %(total)d.",
                                shown=len(data.overdue), total=data.overdue_total), "small"))
        rows = [(a.member_code if data.anonymised else f"{a.member_code}\n{a.member_name}",
                 f"{a.key}\n{a.title}", word(self.words.verdict, a.severity),
                 self.day(a.due_date), word(self.words.action_status, a.status))
                for a in data.overdue]
        first = 70 if data.anonymised else 120
        story.append(data_table(
            [_("Member"), _("Requirement"), _("Severity"), _("Due date"), _("Status")],
            rows, [first, WIDTH - first - 220, 85, 65, 70]))
        return story

    def trend(self) -> list[Flowable]:
        trend = self.data.trend
        story = heading(_("Trend across campaigns"), 0, "trend")
        if len(trend) > 1:
            story.append(bar_chart([t.title for t in trend], [
                (_("Self-assessed"), [t.mean_self for t in trend], SELF_COLOUR),
                (_("After pre-audit"), [t.mean_consultant for t in trend], CONSULTANT_COLOUR)]))
            story.append(gap(4))
        story.append(data_table(
            [_("Campaign"), _("Due date"), _("Members"), _("Submitted"), _("Pre-audited"),
             _("Self-assessed"), _("After pre-audit"), _("Ready")],
            [(t.title, self.day(t.due_date), str(t.members), str(t.submitted),
              str(t.pre_audited), percent(t.mean_self), percent(t.mean_consultant),
              str(t.ready)) for t in trend],
            [WIDTH - 410, 62, 48, 50, 58, 70, 70, 52], numeric=(2, 3, 4, 5, 6, 7)))
        return story

    def members(self) -> list[Flowable]:
        """Every member, by code; with names, each name and enterprise number on a line
        under its member."""
        data = self.data
        story = heading(_("Members"), 0, "members")
        rows: list = []
        for m in data.members:
            rows.append((m.code, word(self.words.region, m.region),
                         word(self.words.state, m.state), percent(m.progress),
                         self.score(m.self_score), self.score(m.consultant_score),
                         word(self.words.readiness, m.readiness), str(m.open_actions),
                         str(m.overdue_actions)))
            if not data.anonymised:
                rows.append(Note(f"{m.name} — {_('Enterprise number')} "
                                 f"{m.enterprise_number}"))
        story.append(data_table(
            [_("Member"), _("Region"), _("State"), _("Progress"), _("Self"), _("Consultant"),
             _("Readiness"), _("Open actions"), _("Overdue")],
            rows, [68, 52, 68, 50, 56, 56, WIDTH - 438, 48, 40], numeric=(3, 4, 5, 7, 8)))
        return story
