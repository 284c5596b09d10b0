"""A member's own picture: progress, scores after the pre-audit, actions, what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance.actions.queries import visible_actions
from compliance.assessments.models import Assessment
from compliance.assessments.queries import progress_by_chapter, total_progress
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.manual.queries import chapters_of
from compliance.reminders.deadlines import Scope, collect_deadlines
from compliance.reminders.services import KIND_LABELS, policy_from_config
from compliance.reviews.scores import scorecard

DUE_SHOWN = 10


@dataclass(frozen=True)
class DueItem:
    day: date
    kind: str
    label: str
    url: str


def member_dashboard(user, assessments: list[Assessment], today: date) -> dict:  # noqa: ANN001
    progress = progress_by_chapter([a.id for a in assessments])
    totals = {a.id: total_progress(progress, a.id) for a in assessments}
    audited = next((a for a in assessments if ASSESSMENT_FLOW.is_in(a, "pre_audited")), None)
    chapters, card = [], None
    if audited is not None:
        card = scorecard(audited)
        chapters = chapters_of(audited.campaign.manual_version_id)
    actions = visible_actions(user, status="unfinished", member_id=user.member_id)
    return {"assessments": assessments, "totals": totals, "audited": audited, "card": card,
            "chapters": chapters, "actions": actions,
            "due": next_due(user.member_id, today, user.locale or "en")}


def next_due(member_id: int, today: date, language: str) -> list[DueItem]:
    """The member's next deadlines, as the reminders know them."""
    deadlines = sorted(collect_deadlines(today, policy_from_config(), Scope.member(member_id)),
                       key=lambda d: (d.due, d.key))[:DUE_SHOWN]
    return [DueItem(d.due, KIND_LABELS[d.kind](), d.subject_in(language), d.path)
            for d in deadlines]
