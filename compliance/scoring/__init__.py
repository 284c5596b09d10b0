"""Scoring: pure functions from answers and verdicts to scores (docs/scoring.md)."""

from compliance.scoring.engine import (
    DEFAULT_POLICY,
    Gap,
    Readiness,
    ScoreCard,
    ScoreItem,
    ScoringPolicy,
    score,
)

__all__ = ["DEFAULT_POLICY", "Gap", "Readiness", "ScoreCard", "ScoreItem", "ScoringPolicy",
           "score"]
