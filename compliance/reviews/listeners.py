"""How the pre-audit reacts to the features below it: stored scores follow submissions
and verified or reopened actions; the assessment's overview shows the pre-audit."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from compliance.actions.queries import visible_actions
from compliance.assessments.forms import ReasonForm
from compliance.assessments.workflow import can_reopen_pre_audit, can_review, can_see_verdicts
from compliance.manual.queries import chapters_of
from compliance.panels import Panel
from compliance.reviews.forms import ReopenForm
from compliance.reviews.scores import refresh_scores, scorecard
from compliance.signals import action_transitioned, assessment_panels, assessment_transitioned

SCORED_ACTION_CHANGES = {"verify", "reopen"}


@assessment_transitioned.connect
def _score_on_submission(assessment: Any, *, transition: str, **_: Any) -> None:
    if transition == "submit":
        refresh_scores(assessment)


@action_transitioned.connect
def _score_on_verification(action: Any, *, transition: str, **_: Any) -> None:
    if transition in SCORED_ACTION_CHANGES:
        refresh_scores(action.assessment)


@assessment_panels.connect
def _pre_audit_panels(assessment: Any, *, user: Any, panels: list[Panel]) -> None:
    if can_review(user, assessment):
        panels.append(Panel("reviews/_review_box.html", {
            "assessment": assessment, "reason_form": ReasonForm()}, slot="side"))
    elif can_reopen_pre_audit(user, assessment):
        panels.append(Panel("reviews/_reopen_box.html", {
            "assessment": assessment, "reopen_form": ReopenForm()}, slot="side"))
    if can_see_verdicts(user, assessment) and assessment.pre_audit is not None:
        actions = [a for a in visible_actions(current_user, member_id=assessment.member_id)
                   if a.assessment_id == assessment.id]
        panels.append(Panel("reviews/_result.html", {
            "assessment": assessment, "card": scorecard(assessment), "actions": actions,
            "chapters": chapters_of(assessment.campaign.manual_version_id)}))
