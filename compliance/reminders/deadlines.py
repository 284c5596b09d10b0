"""Every deadline in the sector, and who is reminded of it: a fixed number of queries.

Sources: campaign due dates (until the assessment is submitted), the consultant's review
time after submission, corrective actions (until done), evidence expiry, and the
manual's recurring duties (next due = last done + period, or now if never done).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from compliance.actions.models import UNFINISHED, CorrectiveAction
from compliance.assessments.models import EDITABLE_STATES, Assessment, State
from compliance.auth.models import Role, User
from compliance.campaigns.models import Campaign
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.members.models import ConsultantAssignment, Member
from compliance.profile import applies
from compliance.reminders.duties import next_due, recurring_requirements
from compliance.reminders.models import RecurringDuty
from compliance.reminders.policy import ReminderPolicy, review_due

KINDS = ("assessment_due", "review_due", "action_due", "evidence_expiry", "duty_due")


@dataclass(frozen=True)
class Deadline:
    key: str
    kind: str
    due: date
    member_code: str
    subject: str
    path: str
    recipient_ids: tuple[int, ...]
    titles: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def subject_in(self, language: str) -> str:
        title = self.titles.get(language) or self.titles.get("en")
        return f"{self.subject} {title}" if title else self.subject


def _people() -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    managers: dict[int, list[int]] = defaultdict(list)
    for user_id, member_id in db.session.execute(
            select(User.id, User.member_id).where(User.role == Role.MEMBER_MANAGER.value,
                                                  User.active.is_(True))):
        managers[member_id].append(user_id)
    consultants: dict[int, list[int]] = defaultdict(list)
    for user_id, member_id in db.session.execute(
            select(ConsultantAssignment.consultant_id, ConsultantAssignment.member_id)
            .join(User, User.id == ConsultantAssignment.consultant_id)
            .where(User.active.is_(True))):
        consultants[member_id].append(user_id)
    return managers, consultants


def collect_deadlines(today: date, policy: ReminderPolicy) -> list[Deadline]:
    managers, consultants = _people()
    members = {m.id: m for m in db.session.scalars(select(Member))}
    deadlines: list[Deadline] = []
    for assessment, campaign in db.session.execute(
            select(Assessment, Campaign).join(Campaign)
            .where(Assessment.state.in_([s.value for s in EDITABLE_STATES]))):
        deadlines.append(Deadline(
            f"assessment:{assessment.id}:{campaign.due_date}", "assessment_due",
            campaign.due_date, members[assessment.member_id].code, campaign.title,
            f"/assessments/{assessment.id}", tuple(managers[assessment.member_id])))
    for assessment, campaign in db.session.execute(
            select(Assessment, Campaign).join(Campaign).where(
                Assessment.state.in_([State.SUBMITTED.value, State.IN_PRE_AUDIT.value]),
                Assessment.submitted_at.is_not(None))):
        submitted = assessment.submitted_at.date()
        deadlines.append(Deadline(
            f"review:{assessment.id}:{submitted}", "review_due",
            review_due(submitted, policy), members[assessment.member_id].code,
            f"{members[assessment.member_id].code} — {campaign.title}",
            f"/assessments/{assessment.id}", tuple(consultants[assessment.member_id])))
    for action in db.session.scalars(select(CorrectiveAction).where(
            CorrectiveAction.status.in_(UNFINISHED))):
        people = managers[action.member_id] + ([action.owner_id] if action.owner_id and
                                               action.owner_id not in managers[action.member_id]
                                               else [])
        deadlines.append(Deadline(
            f"action:{action.id}:{action.due_date}", "action_due", action.due_date,
            members[action.member_id].code, f"{action.requirement_key}: {action.description}",
            f"/actions/{action.id}", tuple(people)))
    for evidence in db.session.scalars(select(Evidence).where(
            Evidence.expiry_date.is_not(None), Evidence.withdrawn_at.is_(None))):
        deadlines.append(Deadline(
            f"evidence:{evidence.id}:{evidence.expiry_date}", "evidence_expiry",
            evidence.expiry_date, members[evidence.member_id].code,
            f"{evidence.title} ({evidence.filename})", f"/evidence/?member={evidence.member_id}",
            tuple(managers[evidence.member_id])))
    deadlines += _duties(members, managers, today)
    return deadlines


def _duties(members, managers, today: date) -> list[Deadline]:  # noqa: ANN001
    recurring = recurring_requirements()
    done = {(d.member_id, d.requirement_key): d.last_done
            for d in db.session.scalars(select(RecurringDuty))}
    deadlines = []
    for member in members.values():
        for requirement in recurring:
            if not applies(requirement.applies_to, member.activities):
                continue
            due = next_due(requirement, done.get((member.id, requirement.key)), member, today)
            deadlines.append(Deadline(
                f"duty:{member.id}:{requirement.key}:{due}", "duty_due", due, member.code,
                f"{requirement.key}:", f"/duties/?member={member.id}",
                tuple(managers[member.id]),
                titles=dict(requirement.title)))
    return deadlines
