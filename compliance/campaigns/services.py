"""Creating campaigns: one assessment per member asked, answers carried over on request."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compliance.assessments.models import Answer, AnswerEvidence, Assessment, State
from compliance.audit import log_event
from compliance.campaigns.models import Campaign
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual.models import ManualVersion, Requirement
from compliance.members.models import Member, Region
from compliance.profile import ACTIVITY_FLAGS, applies

if TYPE_CHECKING:
    from compliance.auth.models import User

SELECTION_MODES = ("all", "region", "activity", "members")


def select_members(mode: str, values: list[str]) -> list[Member]:
    """The members a campaign asks: all of them, by region, by activity, or picked."""
    members = db.session.scalars(select(Member).order_by(Member.code)).all()
    if mode == "all":
        return list(members)
    if mode == "region":
        unknown = set(values) - {r.value for r in Region}
        if unknown or not values:
            raise DomainError(_l("Choose at least one region."))
        return [m for m in members if m.region in values]
    if mode == "activity":
        if not values or set(values) - ACTIVITY_FLAGS:
            raise DomainError(_l("Choose at least one activity."))
        return [m for m in members if set(m.activities) & set(values)]
    if mode == "members":
        picked = {int(v) for v in values if str(v).isdigit()}
        if not picked:
            raise DomainError(_l("Choose at least one member."))
        return [m for m in members if m.id in picked]
    raise DomainError(_l("Choose who is asked."))


def create_campaign(*, title: str, manual_version: ManualVersion, due_date: date, mode: str,
                    values: list[str], carry_over: bool, actor: User | None,
                    today: date | None = None) -> Campaign:
    title = title.strip()
    if not title:
        raise DomainError(_l("The campaign needs a title."))
    if due_date < (today or date.today()):
        raise DomainError(_l("The due date is in the past."))
    members = select_members(mode, values)
    if not members:
        raise DomainError(_l("No member matches this choice."))
    campaign = Campaign(title=title, manual_version=manual_version, due_date=due_date,
                        created_by=actor, selection={"mode": mode, "values": list(values)},
                        carry_over=carry_over)
    db.session.add(campaign)
    db.session.flush()
    log_event("campaign.created", campaign, actor=actor,
              after={"title": title, "manual_version": manual_version.version,
                     "due_date": due_date, "selection": campaign.selection,
                     "members": [m.code for m in members], "carry_over": carry_over})
    requirements = db.session.scalars(
        select(Requirement).where(Requirement.manual_version_id == manual_version.id)
        .order_by(Requirement.position)).all()
    previous = _previous_assessments(members) if carry_over else {}
    for member in members:
        create_assessment(campaign, member, requirements, previous.get(member.id), actor=actor)
    return campaign


def _previous_assessments(members: list[Member]) -> dict[int, Assessment]:
    """Each member's latest assessment, with answers and evidence links loaded."""
    found = db.session.scalars(
        select(Assessment).where(Assessment.member_id.in_([m.id for m in members]),
                                 Assessment.state != State.NOT_STARTED.value)
        .order_by(Assessment.id)
        .options(selectinload(Assessment.answers).selectinload(Answer.requirement),
                 selectinload(Assessment.answers).selectinload(Answer.evidence_links)
                 .selectinload(AnswerEvidence.evidence))).all()
    return {a.member_id: a for a in found}  # later ids win


def create_assessment(campaign: Campaign, member: Member, requirements: list[Requirement],
                      previous: Assessment | None, *, actor: User | None) -> Assessment:
    assessment = Assessment(campaign=campaign, member_id=member.id,
                            previous_id=previous.id if previous else None)
    db.session.add(assessment)
    earlier = {a.requirement_key: a for a in previous.answers} if previous else {}
    for requirement in requirements:
        applicable = applies(requirement.applies_to, member.activities)
        answer = Answer(assessment=assessment, requirement=requirement,
                        requirement_key=requirement.key, chapter_id=requirement.chapter_id,
                        position=requirement.position, applicable_by_profile=applicable,
                        included=applicable)
        old = earlier.get(requirement.key)
        if old is not None and old.status is not None:
            _carry_over(answer, old, requirement, actor)
        db.session.add(answer)
    db.session.flush()
    log_event("assessment.created", assessment, actor=actor, member_id=member.id,
              assessment_id=assessment.id,
              after={"campaign": campaign.title, "member": member.code,
                     "carried_from": previous.id if previous else None})
    return assessment


def _carry_over(answer: Answer, old: Answer, requirement: Requirement, actor: User | None):
    """Bring an earlier answer over as a proposal: marked to confirm, never final."""
    answer.status = old.status
    answer.justification = old.justification
    answer.comment = old.comment
    if not answer.applicable_by_profile and old.included:
        answer.included = True
        answer.inclusion_justification = old.inclusion_justification
    answer.to_confirm = True
    answer.text_changed = old.requirement.text_hash != requirement.text_hash
    for link in old.evidence_links:
        if not link.evidence.withdrawn:
            answer.evidence_links.append(AnswerEvidence(evidence=link.evidence,
                                                        linked_by_id=getattr(actor, "id", None)))


def campaigns_query():
    return select(Campaign).order_by(Campaign.due_date.desc(), Campaign.id.desc())
