"""How assessments react to the features below them: a new campaign gets its
assessments, and the campaign's page shows them; a member's changed activities change
which requirements apply in its open assessments."""

from __future__ import annotations

from typing import Any

from compliance.assessments.carry_over import create_assessments
from compliance.assessments.queries import progress_by_chapter, total_progress
from compliance.assessments.services import follow_member_profile
from compliance.panels import Panel
from compliance.signals import campaign_created, campaign_panels, member_changed


@campaign_created.connect
def _one_assessment_per_member(campaign: Any, *, members: list, carry_over: bool,
                               actor: Any) -> None:
    create_assessments(campaign, members, carry_over=carry_over, actor=actor)


@campaign_panels.connect
def _members_progress(campaign: Any, *, user: Any, panels: list[Panel]) -> None:
    assessments = campaign.assessments
    progress = progress_by_chapter([a.id for a in assessments])
    panels.append(Panel("assessments/_campaign_members.html", {
        "assessments": assessments,
        "totals": {a.id: total_progress(progress, a.id) for a in assessments}}))


@member_changed.connect
def _follow_the_profile(member: Any, *, before: dict, actor: Any) -> None:
    if list(before.get("activities") or []) != list(member.activities):
        follow_member_profile(member, actor=actor)
