"""The sector dashboard's four charts and their figures as text, from a sector picture:
members by state, readiness after pre-audit, member × chapter, readiness across
campaigns. Members appear by pseudonym unless the reader asked for names."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from compliance.assessments.models import STATE_LABELS
from compliance.dashboard import charts
from compliance.dashboard.anonymity import pseudonyms
from compliance.dashboard.sector import MemberRow, SectorPicture
from compliance.dashboard.trend import TrendPoint
from compliance.reviews.models import READINESS_LABELS


@dataclass
class HeatLine:
    label: str
    cells: list[float | None]


@dataclass
class SectorCharts:
    states: charts.Chart
    readiness: charts.Chart
    heat: charts.Chart
    heat_lines: list[HeatLine]
    trend: charts.Chart
    legend: list[tuple[str, str]]
    #: per campaign: its title, members asked, and the counts in the legend's order
    trend_rows: list[tuple[str, int, tuple[int, ...]]]


def member_labels(picture: SectorPicture, names: bool) -> dict[int, str]:
    """Each member's label on the charts: its code, or its pseudonym for this campaign."""
    if names:
        return {row.member_id: row.code for row in picture.rows}
    return pseudonyms([row.member_id for row in picture.rows], f"campaign:{picture.campaign.id}")


def trend_legend() -> list[tuple[str, str]]:
    return [(tone, str(READINESS_LABELS[tone])) for tone in charts.READINESS_TONES] + \
        [("pending", _("Not pre-audited"))]


def sector_charts(picture: SectorPicture, trend: list[TrendPoint], names: bool) \
        -> SectorCharts:
    total = len(picture.rows)
    states = charts.bar_chart("states", [
        (str(label), picture.states.get(state.value, 0), "state")
        for state, label in STATE_LABELS.items()], total)
    audited = sum(picture.readiness.values())
    readiness = charts.bar_chart("readiness", [
        (str(label), picture.readiness.get(value, 0), value)
        for value, label in READINESS_LABELS.items()], audited)
    lines = heat_lines(picture, member_labels(picture, names))
    heat = charts.heat_map([h.chapter.key for h in picture.heat],
                           [(line.label, line.cells) for line in lines])
    legend = trend_legend()
    rows = [(p.campaign.shown_title, p.members,
             (p.ready, p.nearly_ready, p.not_ready, p.not_audited)) for p in trend]
    stacked = charts.stacked_chart("trend", [(title, counts) for title, _n, counts in rows],
                                   legend)
    return SectorCharts(states, readiness, heat, lines, stacked, legend, rows)


def heat_lines(picture: SectorPicture, labels: dict[int, str]) -> list[HeatLine]:
    """Each submitted member's chapter scores, in label order (a pseudonym's order says
    nothing about the member; the codes' order would)."""
    cells = picture.member_chapters
    rows: list[MemberRow] = sorted((r for r in picture.rows if r.assessment_id in cells),
                                   key=lambda r: labels[r.member_id])
    return [HeatLine(labels[r.member_id], [cells[r.assessment_id].get(h.chapter.id)
                                           for h in picture.heat]) for r in rows]
