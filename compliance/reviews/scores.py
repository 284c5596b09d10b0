"""Keeping an assessment's stored scores in step with its answers, verdicts and actions."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from compliance.actions.models import ActionStatus, CorrectiveAction
from compliance.assessments.models import Answer, Assessment
from compliance.extensions import db
from compliance.reviews.models import AssessmentScore, RequirementVerdict
from compliance.scoring import DEFAULT_POLICY, ScoreCard, ScoreItem, ScoringPolicy, score


def score_items(assessment: Assessment) -> list[ScoreItem]:
    answers = db.session.scalars(
        select(Answer).where(Answer.assessment_id == assessment.id, Answer.included.is_(True))
        .options(selectinload(Answer.requirement), selectinload(Answer.verdict))).all()
    actions = {a.verdict_id: a for a in db.session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.assessment_id == assessment.id))}
    items = []
    for answer in answers:
        verdict: RequirementVerdict | None = answer.verdict
        action = actions.get(verdict.id) if verdict else None
        items.append(ScoreItem(
            key=answer.requirement_key, chapter=str(answer.chapter_id),
            criticality=answer.requirement.criticality,
            self_status=answer.status if not answer.to_confirm else None,
            verdict=verdict.verdict if verdict else None,
            nc_open=action is None or action.status != ActionStatus.VERIFIED))
    return items


def scoring_policy() -> ScoringPolicy:
    """The association's weights and thresholds (see docs/scoring.md)."""
    return current_app.config.get("SCORING_POLICY") or DEFAULT_POLICY


def scorecard(assessment: Assessment) -> ScoreCard:
    return score(score_items(assessment), scoring_policy())


def refresh_scores(assessment: Assessment) -> ScoreCard:
    """Recompute and store the scores (derived data: replaced, not audited)."""
    card = scorecard(assessment)
    db.session.execute(delete(AssessmentScore).where(
        AssessmentScore.assessment_id == assessment.id))
    db.session.add(AssessmentScore(
        assessment_id=assessment.id, chapter_id=None, self_score=card.self_score,
        consultant_score=card.consultant_score,
        readiness=card.readiness.value if card.readiness else None,
        open_major=card.open_major))
    for chapter, chapter_score in card.chapters.items():
        db.session.add(AssessmentScore(
            assessment_id=assessment.id, chapter_id=int(chapter),
            self_score=chapter_score.self_score,
            consultant_score=chapter_score.consultant_score))
    db.session.flush()
    return card
