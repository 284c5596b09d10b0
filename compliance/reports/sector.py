"""The sector readiness report: where the members of one campaign stand — states,
readiness, chapter scores, frequent gaps, overdue actions, the trend across campaigns
and every member by code — its data, its builder and its renderer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.platypus import Flowable, PageBreak
from sqlalchemy import select

from compliance.actions.models import CorrectiveAction
from compliance.assessments.models import State
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.campaigns.models import Campaign
from compliance.dashboard import charts
from compliance.dashboard.anonymity import OTHER, OTHER_LABEL, folded, pseudonyms
from compliance.dashboard.sector import sector_picture
from compliance.dashboard.trend import readiness_trend
from compliance.extensions import db
from compliance.i18n import translated
from compliance.manual.models import Requirement
from compliance.members.models import Member
from compliance.reports.charts import drawing
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
from compliance.scoring import Readiness

HEAT_SLICE = 40  # members per drawing of the member × chapter heat map (one fits a page)
SCORE_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))
REVIEWED = ASSESSMENT_FLOW.group("reviewed")


@dataclass(frozen=True)
class SectorMember:
    label: str  # the member's code; anonymised, its pseudonym in this report
    name: str | None  # None when anonymised
    enterprise_number: str | None  # None when anonymised
    region: str  # anonymised: "other" for a region of fewer than three members
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
    member_label: str  # as in SectorMember
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
    nearly_ready: int = 0
    not_ready: int = 0

    @property
    def not_audited(self) -> int:
        return self.members - self.pre_audited


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
    chapter_keys: tuple[str, ...] = ()
    #: each submitted member (label) and its score per chapter, in chapter_keys' order
    member_heat: tuple[tuple[str, tuple[float | None, ...]], ...] = ()

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
    labels = _labels(picture.rows, campaign, anonymised, language)
    return SectorReportData(
        language=language, generated_at=now, as_of=today,
        campaign_title=campaign.title_in(language), campaign_due=campaign.due_date,
        manual_title=translated(version.title, language),
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
        overdue=_overdue(picture.overdue, version.id, language, labels, anonymised),
        overdue_total=picture.overdue_total,
        trend=_trend(campaign, member_ids, language),
        members=_sector_members(picture.rows, labels, anonymised),
        chapter_keys=tuple(h.chapter.key for h in picture.heat),
        member_heat=_member_heat(picture, labels))


def _labels(rows, campaign: Campaign, anonymised: bool, language: str) -> dict[int, str]:  # noqa: ANN001
    """Each member's label: its code, or anonymised its pseudonym in this report."""
    if not anonymised:
        return {row.member_id: row.code for row in rows}
    with force_locale(language):
        return pseudonyms([row.member_id for row in rows], f"campaign:{campaign.id}")


def _in_label_order(rows, labels: dict[int, str]) -> list:  # noqa: ANN001
    """Rows by label: by pseudonym when anonymised (the codes' order would give them away)."""
    return sorted(rows, key=lambda row: labels[row.member_id])


def _sector_members(rows, labels: dict[int, str], anonymised: bool) \
        -> tuple[SectorMember, ...]:  # noqa: ANN001
    numbers = {} if anonymised else dict(db.session.execute(
        select(Member.id, Member.enterprise_number)).all())
    regions = folded(row.region for row in rows) if anonymised else {}
    return tuple(SectorMember(
        label=labels[row.member_id], name=None if anonymised else row.name,
        enterprise_number=numbers.get(row.member_id),
        region=regions.get(row.region, row.region), state=row.state, progress=row.percent,
        self_score=rounded(row.self_score), consultant_score=rounded(row.consultant_score),
        readiness=row.readiness if row.state == State.PRE_AUDITED else None,
        open_actions=row.open_actions, overdue_actions=row.overdue_actions)
        for row in _in_label_order(rows, labels))


def _member_heat(picture, labels: dict[int, str]) -> tuple:  # noqa: ANN001
    cells = picture.member_chapters
    return tuple(
        (labels[row.member_id], tuple(rounded(cells[row.assessment_id].get(h.chapter.id))
                                      for h in picture.heat))
        for row in _in_label_order(picture.rows, labels) if row.assessment_id in cells)


def _overdue(actions: list[CorrectiveAction], version_id: int, language: str,
             labels: dict[int, str], anonymised: bool) -> tuple[OverdueAction, ...]:
    titles = dict(db.session.execute(select(Requirement.key, Requirement.title).where(
        Requirement.manual_version_id == version_id,
        Requirement.key.in_({a.requirement_key for a in actions}))).all())
    return tuple(OverdueAction(
        member_label=labels[a.member_id], member_name=None if anonymised else a.member.name,
        key=a.requirement_key, title=translated(titles.get(a.requirement_key), language),
        severity=a.severity, due_date=a.due_date, status=a.status) for a in actions)


def _trend(campaign: Campaign, member_ids: list[int] | None,
           language: str) -> tuple[CampaignTrend, ...]:
    """This campaign and the earlier ones (by due date), for the same members."""
    return tuple(CampaignTrend(
        title=p.campaign.title_in(language), due_date=p.due_date, members=p.members,
        submitted=p.submitted, pre_audited=p.pre_audited, mean_self=rounded(p.mean_self),
        mean_consultant=rounded(p.mean_consultant), ready=p.ready,
        nearly_ready=p.nearly_ready, not_ready=p.not_ready)
        for p in readiness_trend(campaign, member_ids))


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
        self.words.region = self.words.region | {OTHER: str(OTHER_LABEL)}
        return [*self.cover(), *self.states(), *self.readiness(), *self.heat(), *self.gaps(),
                *self.overdue(), *self.trend(), *self.members()]

    def cover(self) -> list[Flowable]:
        data = self.data
        story = [para(self.title(), "cover_title"),
                 para(f"{data.campaign_title} · {data.manual_title}", "cover_subtitle")]
        if data.anonymised:
            story.append(para(_("Anonymised: each member is shown by a pseudonym that holds "
                                "for this report only, and a region of fewer than three "
                                "members is shown as “Other”. The report holds no member "
                                "codes, no names and no enterprise numbers."), "body"))
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
        story.append(drawing(charts.bar_chart(
            "states", [(name, count, "state") for name, count in counts],
            len(self.data.members))))
        return [*story, gap(4), self.count_table(_("State"), counts, len(self.data.members))]

    def readiness(self) -> list[Flowable]:
        data = self.data
        story = heading(_("Readiness after pre-audit"), 0, "readiness")
        story.append(para(_("%(audited)d of %(total)d members pre-audited.",
                            audited=data.pre_audited, total=len(data.members))))
        counts = [(word(self.words.readiness, r), count) for r, count in data.readiness]
        story.append(drawing(charts.bar_chart(
            "readiness", [(name, count, tone) for (name, count), (tone, _n) in
                          zip(counts, data.readiness, strict=True)], data.pre_audited)))
        story += [gap(4), self.count_table(_("Readiness"), counts, data.pre_audited)]
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
        return [*story, *self.member_heat()]

    def member_heat(self) -> list[Flowable]:
        """Member × chapter, in slices that each fit on a page; the figures are the cells."""
        data = self.data
        story = heading(_("Members by chapter"), 1, "member-heat")
        if not data.member_heat:
            return [*story, para(_("No assessment submitted yet."))]
        story.append(para(_("Each submitted member's chapter scores: after pre-audit once "
                            "pre-audited, else self-assessed. Green from 80, amber from 60, "
                            "red below."), "small"))
        for start in range(0, len(data.member_heat), HEAT_SLICE):
            story += [drawing(charts.heat_map(
                data.chapter_keys, data.member_heat[start:start + HEAT_SLICE])), gap(4)]
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
        rows = [(a.member_label if data.anonymised else f"{a.member_label}\n{a.member_name}",
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
        story.append(drawing(charts.stacked_chart(
            "trend", [(t.title, (t.ready, t.nearly_ready, t.not_ready, t.not_audited))
                      for t in trend], self.trend_legend())))
        story.append(gap(4))
        if len(trend) > 1:
            story.append(bar_chart([t.title for t in trend], [
                (_("Self-assessed"), [t.mean_self for t in trend], SELF_COLOUR),
                (_("After pre-audit"), [t.mean_consultant for t in trend], CONSULTANT_COLOUR)]))
            story.append(gap(4))
        story.append(data_table(
            [_("Campaign"), _("Due date"), _("Members"), _("Submitted"), _("Pre-audited"),
             _("Self-assessed"), _("After pre-audit"), _("Ready"), _("Nearly ready"),
             _("Not ready")],
            [(t.title, self.day(t.due_date), str(t.members), str(t.submitted),
              str(t.pre_audited), percent(t.mean_self), percent(t.mean_consultant),
              str(t.ready), str(t.nearly_ready), str(t.not_ready)) for t in trend],
            [WIDTH - 378, 56, 40, 44, 44, 44, 44, 34, 40, 32], numeric=tuple(range(2, 10))))
        return story

    def trend_legend(self) -> list[tuple[str, str]]:
        return [(value, word(self.words.readiness, value)) for value in charts.READINESS_TONES] \
            + [("pending", _("Not pre-audited"))]

    def members(self) -> list[Flowable]:
        """Every member, by code; with names, each name and enterprise number on a line
        under its member."""
        data = self.data
        story = heading(_("Members"), 0, "members")
        rows: list = []
        for m in data.members:
            rows.append((m.label, word(self.words.region, m.region),
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
