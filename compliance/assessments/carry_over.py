"""A campaign's assessments, each answer starting from the member's previous assessment
when the campaign carries answers over (see listeners.py).

Across manual versions the answers follow the key map (compliance.manual.key_map):

- kept or renamed: the answer goes to the key that carries the requirement on;
- merged: the new requirement gets every old answer: the most cautious status, the
  comments and justifications listed with their old keys, the evidence of all, and each
  old answer as it was (``Answer.carried_from``) for the member to see;
- split: each new requirement gets the old answer;
- removed: nothing is carried; the answer stays in the earlier assessment.

A carried answer is a proposal marked "to confirm" and flagged "text changed" when what
the member reads changed. The earlier assessment is never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compliance.assessments.models import Answer, AnswerEvidence, Assessment, State, Status
from compliance.audit import log_event
from compliance.extensions import db
from compliance.manual.key_map import relation, sources_of
from compliance.manual.models import ManualVersion, Requirement
from compliance.manual.queries import carried_between
from compliance.profile import applies

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.campaigns.models import Campaign
    from compliance.members.models import Member

#: The most cautious status first: a merged requirement carries the least compliant answer.
CAUTION = (Status.NOT_COMPLIANT, Status.PARTIAL, Status.COMPLIANT, Status.NOT_APPLICABLE)


class Sources:
    """Where each requirement of a new version takes its answers from in an earlier one."""

    def __init__(self, earlier: ManualVersion, new: ManualVersion, old_keys: list[str]):
        carried = carried_between(earlier, new, old_keys)
        self.version = earlier.version
        self.of: dict[str, list[str]] = sources_of(carried)  # new key -> old keys
        self.relation = {key: relation(key, carried, self.of) for key in old_keys}


def create_assessments(campaign: Campaign, members: list[Member], *, carry_over: bool,
                       actor: User | None) -> list[Assessment]:
    """One assessment per member asked, each answer starting from the member's previous
    assessment when the campaign carries answers over."""
    requirements = db.session.scalars(
        select(Requirement).where(Requirement.manual_version_id == campaign.manual_version_id)
        .order_by(Requirement.position)).all()
    previous = _previous_assessments(members) if carry_over else {}
    by_version: dict[int, Sources] = {}  # the sources of each earlier version, found once

    def sources(earlier: Assessment) -> Sources:
        version = earlier.campaign.manual_version
        if version.id not in by_version:
            by_version[version.id] = Sources(version, campaign.manual_version,
                                             [a.requirement_key for a in earlier.answers])
        return by_version[version.id]

    return [create_assessment(campaign, member, requirements, previous.get(member.id),
                              actor=actor, sources=sources) for member in members]


def _previous_assessments(members: list[Member]) -> dict[int, Assessment]:
    """Each member's latest assessment, with answers and evidence links loaded."""
    found = db.session.scalars(
        select(Assessment).where(Assessment.member_id.in_([m.id for m in members]),
                                 Assessment.state != State.NOT_STARTED)
        .order_by(Assessment.id)
        .options(selectinload(Assessment.answers).selectinload(Answer.requirement),
                 selectinload(Assessment.answers).selectinload(Answer.evidence_links)
                 .selectinload(AnswerEvidence.evidence))).all()
    return {a.member_id: a for a in found}  # later ids win


def create_assessment(campaign: Campaign, member: Member, requirements: list[Requirement],
                      previous: Assessment | None, *, actor: User | None,
                      sources: Callable[[Assessment], Sources] | None = None) -> Assessment:
    assessment = Assessment(campaign=campaign, member_id=member.id,
                            previous_id=previous.id if previous else None)
    db.session.add(assessment)
    found = None
    if previous is not None:
        found = sources(previous) if sources else Sources(
            previous.campaign.manual_version, campaign.manual_version,
            [a.requirement_key for a in previous.answers])
    earlier = {a.requirement_key: a for a in previous.answers} if previous else {}
    counts = {"carried": 0, "merged": 0}
    for requirement in requirements:
        applicable = applies(requirement.applies_to, member.activities)
        answer = Answer(assessment=assessment, requirement=requirement,
                        requirement_key=requirement.key, chapter_id=requirement.chapter_id,
                        position=requirement.position, applicable_by_profile=applicable,
                        included=applicable)
        olds = [earlier[key] for key in found.of.get(requirement.key, ())] if found else []
        olds = [old for old in olds if old.status is not None]
        if olds:
            _carry_over(answer, olds, requirement, found, actor)
            counts["carried"] += 1
            counts["merged"] += len(olds) > 1
        db.session.add(answer)
    db.session.flush()
    log_event("assessment.created", assessment, actor=actor, member_id=member.id,
              assessment_id=assessment.id,
              after={"campaign": campaign.title, "member": member.code,
                     "carried_from": previous.id if previous else None, **counts,
                     "not_carried": _not_carried(earlier, found)})
    return assessment


def _not_carried(earlier: dict[str, Answer], found: Sources | None) -> list[str]:
    """The earlier answers that no requirement of the new version carries on."""
    if found is None:
        return []
    return [key for key, old in earlier.items()
            if old.status is not None and found.relation.get(key) == "removed"]


def _carry_over(answer: Answer, olds: list[Answer], requirement: Requirement,
                found: Sources, actor: User | None) -> None:
    """Bring earlier answers over as a proposal: marked to confirm, never final."""
    answer.status = min((Status(old.status) for old in olds), key=CAUTION.index)
    answer.justification = _joined(olds, "justification")
    answer.comment = _joined(olds, "comment")
    taken_in = [old for old in olds if old.included and not old.applicable_by_profile]
    if not answer.applicable_by_profile and taken_in:
        answer.included = True
        answer.inclusion_justification = _joined(taken_in, "inclusion_justification")
    answer.to_confirm = True
    answer.text_changed = any(old.requirement.text_hash != requirement.text_hash
                              for old in olds)
    answer.carried_from = [_as_it_was(old, found) for old in olds]
    linked: set[int] = set()
    for old in olds:
        for link in old.evidence_links:
            if not link.evidence.withdrawn and link.evidence_id not in linked:
                linked.add(link.evidence_id)
                answer.evidence_links.append(AnswerEvidence(
                    evidence=link.evidence, linked_by_id=getattr(actor, "id", None)))


def _joined(olds: list[Answer], field: str) -> str | None:
    """One earlier answer's text as it was; several, each after its old key."""
    if len(olds) == 1:
        return getattr(olds[0], field)
    return "\n\n".join(f"{old.requirement_key}: {getattr(old, field)}"
                       for old in olds if getattr(old, field)) or None


def _as_it_was(old: Answer, found: Sources) -> dict[str, Any]:
    return {"key": old.requirement_key, "answer_id": old.id,
            "assessment_id": old.assessment_id, "version": found.version,
            "relation": found.relation.get(old.requirement_key, "kept"),
            "title": dict(old.requirement.title), "status": old.status,
            "justification": old.justification, "comment": old.comment}
