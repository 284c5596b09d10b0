"""The scoring formula, as documented for users in docs/scoring.md.

Pure: no Flask, no database. Plain data in, frozen dataclasses out.

- weight by criticality (major 3, minor 1);
- self credit: compliant 1, partially compliant 0.5, not compliant 0, unanswered 0;
- consultant credit: conform 1, observation 1, minor NC 0.5, major NC 0;
- not applicable (by the member's answer or by the consultant's verdict) is left out;
- score = 100 × Σ weight × credit / Σ weight, per chapter and overall (None when
  nothing counts);
- readiness from the consultant score and the open major non-conformities;
- calibration gap = self score − consultant score; gaps ranked by weight × (1 − credit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

NOT_APPLICABLE = "not_applicable"


class Readiness(StrEnum):
    READY = "ready"
    NEARLY_READY = "nearly_ready"
    NOT_READY = "not_ready"


@dataclass(frozen=True)
class ScoringPolicy:
    weights: Mapping[str, float] = field(default_factory=lambda: {"major": 3.0, "minor": 1.0})
    self_credit: Mapping[str, float] = field(default_factory=lambda: {
        "compliant": 1.0, "partial": 0.5, "not_compliant": 0.0})
    consultant_credit: Mapping[str, float] = field(default_factory=lambda: {
        "conform": 1.0, "observation": 1.0, "minor_nc": 0.5, "major_nc": 0.0})
    ready_at: float = 80.0
    nearly_ready_at: float = 60.0


DEFAULT_POLICY = ScoringPolicy()


@dataclass(frozen=True)
class ScoreItem:
    """One requirement of an assessment, as far as scoring is concerned."""

    key: str
    chapter: str
    criticality: str
    self_status: str | None = None  # None: unanswered
    verdict: str | None = None  # None: no consultant verdict (yet)
    nc_open: bool = False  # a non-conformity whose corrective action is not verified


@dataclass(frozen=True)
class Gap:
    key: str
    chapter: str
    weight: float
    shortfall: float  # weight × (1 − credit)


@dataclass(frozen=True)
class ChapterScore:
    self_score: float | None
    consultant_score: float | None


@dataclass(frozen=True)
class ScoreCard:
    self_score: float | None
    consultant_score: float | None
    chapters: dict[str, ChapterScore]
    readiness: Readiness | None
    open_major: int
    calibration_gap: float | None
    disagreements: tuple[str, ...]
    gaps: tuple[Gap, ...]


def _ratio(pairs: Iterable[tuple[float, float]]) -> float | None:
    total_weight = total = 0.0
    for weight, credit in pairs:
        total_weight += weight
        total += weight * credit
    return None if total_weight == 0 else 100.0 * total / total_weight


def self_credit(item: ScoreItem, policy: ScoringPolicy) -> float | None:
    """None when left out of the self score."""
    if item.self_status == NOT_APPLICABLE:
        return None
    return policy.self_credit.get(item.self_status or "", 0.0)


def consultant_credit(item: ScoreItem, policy: ScoringPolicy) -> float | None:
    if item.verdict is None or item.verdict == NOT_APPLICABLE:
        return None
    return policy.consultant_credit[item.verdict]


def score(items: Iterable[ScoreItem], policy: ScoringPolicy = DEFAULT_POLICY) -> ScoreCard:
    items = list(items)
    selfs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    consultants: dict[str, list[tuple[float, float]]] = defaultdict(list)
    disagreements, gaps = [], []
    open_major = 0
    for item in items:
        weight = policy.weights[item.criticality]
        own, theirs = self_credit(item, policy), consultant_credit(item, policy)
        selfs[item.chapter]  # every chapter appears, even one with nothing counted
        consultants[item.chapter]
        if own is not None:
            selfs[item.chapter].append((weight, own))
        if theirs is not None:
            consultants[item.chapter].append((weight, theirs))
        if theirs is not None and (own is None or own != theirs):
            disagreements.append(item.key)  # includes "not applicable" against a rating
        if item.verdict == "major_nc" and item.nc_open:
            open_major += 1
        credit = theirs if item.verdict is not None else own
        if credit is not None and credit < 1:
            gaps.append(Gap(item.key, item.chapter, weight, weight * (1 - credit)))
    self_score = _ratio(p for pairs in selfs.values() for p in pairs)
    consultant_score = _ratio(p for pairs in consultants.values() for p in pairs)
    return ScoreCard(
        self_score=self_score,
        consultant_score=consultant_score,
        chapters={c: ChapterScore(_ratio(selfs[c]), _ratio(consultants[c])) for c in selfs},
        readiness=None if consultant_score is None
        else readiness(consultant_score, open_major, policy),
        open_major=open_major,
        calibration_gap=None if self_score is None or consultant_score is None
        else self_score - consultant_score,
        disagreements=tuple(disagreements),
        gaps=tuple(sorted(gaps, key=lambda g: (-g.shortfall, g.key))),
    )


def readiness(consultant_score: float, open_major: int,
              policy: ScoringPolicy = DEFAULT_POLICY) -> Readiness:
    if open_major:
        return Readiness.NOT_READY
    if consultant_score >= policy.ready_at:
        return Readiness.READY
    if consultant_score >= policy.nearly_ready_at:
        return Readiness.NEARLY_READY
    return Readiness.NOT_READY
