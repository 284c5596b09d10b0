"""Readiness across campaigns: for one campaign and the earlier ones (by due date), how
the same members stand — one query, whatever the number of campaigns or members."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import mean

from sqlalchemy import and_, select

from compliance.assessments.models import Assessment, State
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.reviews.models import AssessmentScore
from compliance.scoring import Readiness

REVIEWED = ASSESSMENT_FLOW.group("reviewed")


@dataclass(frozen=True)
class TrendPoint:
    campaign: Campaign
    members: int
    submitted: int  # submitted, in pre-audit or pre-audited
    pre_audited: int
    mean_self: float | None
    mean_consultant: float | None
    ready: int
    nearly_ready: int
    not_ready: int

    @property
    def due_date(self) -> date:
        return self.campaign.due_date

    @property
    def not_audited(self) -> int:
        return self.members - self.pre_audited


def readiness_trend(campaign: Campaign, member_ids: list[int] | None) -> list[TrendPoint]:
    """``campaign`` and those due before it, oldest first; ``member_ids`` limits it to
    those members (a consultant's), None: every member asked."""
    query = (select(Campaign, Assessment.state, AssessmentScore.self_score,
                    AssessmentScore.consultant_score, AssessmentScore.readiness)
             .join(Assessment, Assessment.campaign_id == Campaign.id)
             .outerjoin(AssessmentScore, and_(AssessmentScore.assessment_id == Assessment.id,
                                              AssessmentScore.chapter_id.is_(None)))
             .where(Campaign.due_date <= campaign.due_date)
             .order_by(Campaign.due_date, Campaign.id))
    if member_ids is not None:
        query = query.where(Assessment.member_id.in_(member_ids))
    rows: dict[Campaign, list] = defaultdict(list)
    for found, state, own, theirs, readiness in db.session.execute(query):
        rows[found].append((state, own, theirs, readiness))
    return [_point(found, found_rows) for found, found_rows in rows.items()]


def _point(campaign: Campaign, rows: list) -> TrendPoint:  # noqa: ANN001
    reviewed = [r for r in rows if r[0] in REVIEWED]
    audited = [r for r in rows if r[0] == State.PRE_AUDITED]
    selfs = [r[1] for r in reviewed if r[1] is not None]
    theirs = [r[2] for r in audited if r[2] is not None]
    counts = {r.value: sum(a[3] == r.value for a in audited) for r in Readiness}
    return TrendPoint(
        campaign=campaign, members=len(rows), submitted=len(reviewed),
        pre_audited=len(audited), mean_self=mean(selfs) if selfs else None,
        mean_consultant=mean(theirs) if theirs else None, ready=counts["ready"],
        nearly_ready=counts["nearly_ready"], not_ready=counts["not_ready"])
