"""Recurring duties of a member: what the manual asks periodically, when it was last done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual.models import Requirement
from compliance.manual.queries import latest_version
from compliance.profile import applies
from compliance.reminders.models import RecurringDuty
from compliance.reminders.policy import add_months

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.members.models import Member


@dataclass(frozen=True)
class DutyRow:
    requirement: Requirement
    last_done: date | None
    next_due: date


def recurring_requirements() -> list[Requirement]:
    """The recurring duties of the latest manual version, in the manual's order."""
    version = latest_version()
    if version is None:
        return []
    return list(db.session.scalars(select(Requirement).where(
        Requirement.manual_version_id == version.id, Requirement.period_months.is_not(None))
        .order_by(Requirement.position)))


def next_due(requirement: Requirement, last_done: date | None, member: Member,
             today: date) -> date:
    """Last done + period; never recorded: due since the member joined, so it escalates
    like any other deadline."""
    if last_done is not None:
        return add_months(last_done, requirement.period_months)
    return min(member.created_at.date(), today)


def duty_rows(members: list[Member], today: date) -> dict[int, list[DutyRow]]:
    """Each member's recurring duties, when last done and when next due (two queries)."""
    if not members:
        return {}
    recurring = recurring_requirements()
    query = select(RecurringDuty)
    if len(members) < 500:  # a sector-wide pass reads every row instead of a long IN list
        query = query.where(RecurringDuty.member_id.in_([m.id for m in members]))
    done = {(d.member_id, d.requirement_key): d.last_done for d in db.session.scalars(query)}
    return {member.id: [DutyRow(r, done.get((member.id, r.key)),
                                next_due(r, done.get((member.id, r.key)), member, today))
                        for r in recurring if applies(r.applies_to, member.activities)]
            for member in members}


def member_duties(member: Member, today: date) -> list[DutyRow]:
    return duty_rows([member], today)[member.id]


def record_duty(member: Member, requirement_key: str, last_done: date, *, actor: User,
                today: date) -> None:
    if last_done > today:
        raise DomainError(_l("The date is in the future."))
    duty = db.session.scalar(select(RecurringDuty).where(
        RecurringDuty.member_id == member.id, RecurringDuty.requirement_key == requirement_key))
    before = {"last_done": duty.last_done} if duty else None
    if duty is None:
        duty = RecurringDuty(member_id=member.id, requirement_key=requirement_key,
                             last_done=last_done, recorded_by_id=actor.id)
        db.session.add(duty)
    else:
        duty.last_done = last_done
        duty.recorded_by_id = actor.id
    db.session.flush()
    log_event("duty.recorded", duty, actor=actor, member_id=member.id, before=before,
              after={"requirement": requirement_key, "last_done": last_done})
