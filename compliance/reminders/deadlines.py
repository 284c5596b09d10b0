"""What is due, and who is reminded of it: the one source of deadlines, for a person, a
member or the whole sector, in a fixed number of queries.

Sources: campaign due dates (until the assessment is submitted), the consultant's review
time after submission, corrective actions (until done), evidence expiry, and the
manual's recurring duties (next due = last done + period, or now if never done). The
member's start page, the duties page, the calendar feed and the reminder pass all read
them here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from compliance.actions.models import CorrectiveAction
from compliance.actions.workflow import UNFINISHED
from compliance.assessments.models import Assessment
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.auth.models import Role, User
from compliance.campaigns.models import Campaign
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.links import path_for
from compliance.members.models import ConsultantAssignment, Member
from compliance.permissions import visible_member_ids
from compliance.reminders.duties import duty_rows
from compliance.reminders.policy import ReminderPolicy, review_due

KINDS = ("assessment_due", "review_due", "action_due", "evidence_expiry", "duty_due")


@dataclass(frozen=True)
class Scope:
    """Whose deadlines: some members' (None: the sector's), optionally only those a given
    person is reminded of."""

    member_ids: frozenset[int] | None = None
    person_id: int | None = None

    @classmethod
    def sector(cls) -> Scope:
        return cls()

    @classmethod
    def member(cls, member_id: int) -> Scope:
        return cls(frozenset({member_id}))

    @classmethod
    def person(cls, user: User) -> Scope:
        visible = visible_member_ids(user)
        return cls(None if visible is None else frozenset(visible), user.id)

    def limit(self, query: Select, column: Any) -> Select:
        return query if self.member_ids is None else query.where(column.in_(self.member_ids))


@dataclass(frozen=True)
class Deadline:
    key: str
    kind: str
    due: date
    member_code: str
    subject: str
    endpoint: str
    values: tuple[tuple[str, Any], ...]
    recipient_ids: tuple[int, ...]
    titles: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def subject_in(self, language: str) -> str:
        title = self.titles.get(language) or self.titles.get("en")
        return f"{self.subject} {title}" if title else self.subject

    @property
    def path(self) -> str:
        return path_for(self.endpoint, **dict(self.values))


def collect_deadlines(today: date, policy: ReminderPolicy,
                      scope: Scope = Scope()) -> list[Deadline]:
    members = {m.id: m for m in db.session.scalars(scope.limit(select(Member), Member.id))}
    managers, consultants = _people(scope)
    deadlines = [*_assessments_due(scope, members, managers),
                 *_reviews_due(scope, members, consultants, policy),
                 *_actions_due(scope, members, managers),
                 *_evidence_expiring(scope, members, managers),
                 *_duties_due(members, managers, today)]
    if scope.person_id is not None:
        deadlines = [d for d in deadlines if scope.person_id in d.recipient_ids]
    return deadlines


def _people(scope: Scope) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    managers: dict[int, list[int]] = defaultdict(list)
    for user_id, member_id in db.session.execute(scope.limit(
            select(User.id, User.member_id).where(User.role == Role.MEMBER_MANAGER.value,
                                                  User.active.is_(True)), User.member_id)):
        managers[member_id].append(user_id)
    consultants: dict[int, list[int]] = defaultdict(list)
    for user_id, member_id in db.session.execute(scope.limit(
            select(ConsultantAssignment.consultant_id, ConsultantAssignment.member_id)
            .join(User, User.id == ConsultantAssignment.consultant_id)
            .where(User.active.is_(True)), ConsultantAssignment.member_id)):
        consultants[member_id].append(user_id)
    return managers, consultants


def _assessments_due(scope, members, managers) -> list[Deadline]:  # noqa: ANN001
    query = select(Assessment, Campaign).join(Campaign).where(
        Assessment.state.in_(ASSESSMENT_FLOW.group("editable")))
    return [Deadline(f"assessment:{a.id}:{c.due_date}", "assessment_due", c.due_date,
                     members[a.member_id].code, c.title, "assessments.show",
                     (("assessment_id", a.id),), tuple(managers[a.member_id]))
            for a, c in db.session.execute(scope.limit(query, Assessment.member_id))]


def _reviews_due(scope, members, consultants, policy) -> list[Deadline]:  # noqa: ANN001
    query = select(Assessment, Campaign).join(Campaign).where(
        Assessment.state.in_(ASSESSMENT_FLOW.group("reviewable")),
        Assessment.submitted_at.is_not(None))
    deadlines = []
    for a, c in db.session.execute(scope.limit(query, Assessment.member_id)):
        submitted = a.submitted_at.date()
        code = members[a.member_id].code
        deadlines.append(Deadline(
            f"review:{a.id}:{submitted}", "review_due", review_due(submitted, policy), code,
            f"{code} — {c.title}", "assessments.show", (("assessment_id", a.id),),
            tuple(consultants[a.member_id])))
    return deadlines


def _actions_due(scope, members, managers) -> list[Deadline]:  # noqa: ANN001
    query = select(CorrectiveAction).where(CorrectiveAction.status.in_(UNFINISHED))
    deadlines = []
    for action in db.session.scalars(scope.limit(query, CorrectiveAction.member_id)):
        people = managers[action.member_id] + (
            [action.owner_id] if action.owner_id and action.owner_id
            not in managers[action.member_id] else [])
        deadlines.append(Deadline(
            f"action:{action.id}:{action.due_date}", "action_due", action.due_date,
            members[action.member_id].code, f"{action.requirement_key}: {action.description}",
            "actions.show", (("action_id", action.id),), tuple(people)))
    return deadlines


def _evidence_expiring(scope, members, managers) -> list[Deadline]:  # noqa: ANN001
    query = select(Evidence).where(Evidence.expiry_date.is_not(None),
                                   Evidence.withdrawn_at.is_(None))
    return [Deadline(f"evidence:{e.id}:{e.expiry_date}", "evidence_expiry", e.expiry_date,
                     members[e.member_id].code, f"{e.title} ({e.filename})", "evidence.index",
                     (("member", e.member_id),), tuple(managers[e.member_id]))
            for e in db.session.scalars(scope.limit(query, Evidence.member_id))]


def _duties_due(members, managers, today: date) -> list[Deadline]:  # noqa: ANN001
    deadlines = []
    for member_id, rows in duty_rows(list(members.values()), today).items():
        member = members[member_id]
        for row in rows:
            requirement = row.requirement
            deadlines.append(Deadline(
                f"duty:{member.id}:{requirement.key}:{row.next_due}", "duty_due",
                row.next_due, member.code, f"{requirement.key}:", "reminders.duties",
                (("member", member.id),), tuple(managers[member.id]),
                titles=dict(requirement.title)))
    return deadlines
