"""A member's own picture: progress, scores after the pre-audit, actions, what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.actions.queries import visible_actions
from compliance.assessments.models import Answer, AnswerEvidence, Assessment, State
from compliance.assessments.queries import progress_by_chapter, total_progress
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.manual.queries import chapters_of
from compliance.reviews.scores import scorecard

EXPIRY_HORIZON = timedelta(days=90)
DUE_SHOWN = 10


@dataclass(frozen=True)
class DueItem:
    day: date
    kind: object
    label: str
    url: str


def member_dashboard(user, assessments: list[Assessment], today: date) -> dict:  # noqa: ANN001
    progress = progress_by_chapter([a.id for a in assessments])
    totals = {a.id: total_progress(progress, a.id) for a in assessments}
    audited = next((a for a in assessments if a.state_enum == State.PRE_AUDITED), None)
    chapters, card = [], None
    if audited is not None:
        card = scorecard(audited)
        chapters = chapters_of(audited.campaign.manual_version_id)
    actions = visible_actions(user, status="unfinished", member_id=user.member_id)
    return {"assessments": assessments, "totals": totals, "audited": audited, "card": card,
            "chapters": chapters, "actions": actions,
            "due": next_due(user.member_id, assessments, actions, today)}


def next_due(member_id: int, assessments, actions, today: date) -> list[DueItem]:  # noqa: ANN001
    items = [DueItem(a.campaign.due_date, _l("Self-assessment due"), a.campaign.title,
                     url_for("assessments.show", assessment_id=a.id))
             for a in assessments if a.editable]
    items += [DueItem(a.due_date, _l("Corrective action due"),
                      f"{a.requirement_key}: {a.description}",
                      url_for("actions.show", action_id=a.id)) for a in actions]
    expiring = db.session.scalars(
        select(Evidence).join(AnswerEvidence).join(Answer).join(Assessment)
        .where(Evidence.member_id == member_id, Evidence.withdrawn_at.is_(None),
               Evidence.expiry_date.is_not(None),
               Evidence.expiry_date <= today + EXPIRY_HORIZON,
               Assessment.state != State.PRE_AUDITED.value).distinct()).all()
    items += [DueItem(e.expiry_date, _l("Evidence expires"), e.title,
                      url_for("evidence.index")) for e in expiring]
    return sorted(items, key=lambda item: item.day)[:DUE_SHOWN]
