"""Creating and changing member workshops."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.auth.models import Role
from compliance.db import utcnow
from compliance.errors import Conflict, DomainError
from compliance.extensions import db
from compliance.members.enterprise_number import (
    InvalidEnterpriseNumber,
    normalize_enterprise_number,
)
from compliance.members.models import Member, Region
from compliance.profile import ACTIVITY_FLAGS, Activity
from compliance.revisions import flush_or_conflict
from compliance.signals import member_changed

if TYPE_CHECKING:
    from compliance.auth.models import User

MEMBER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
ENTERPRISE_REASONS = {
    "only digits are allowed": _l("only digits are allowed"),
    "it must have 10 digits": _l("it must have 10 digits"),
    "it must start with 0 or 1": _l("it must start with 0 or 1"),
    "the check digits do not match": _l("the check digits do not match"),
}


def create_member(*, code: str, name: str, enterprise_number: str, region: str,
                  activities: list[str], actor: User | None = None) -> Member:
    code = code.strip().upper()
    if not MEMBER_CODE.match(code):
        raise DomainError(_l("The code %(code)s is not valid: use 2 to 20 capital letters, "
                             "digits or dashes.", code=code))
    number, ordered = _checked_profile(name, enterprise_number, region, activities)
    if db.session.scalar(select(Member.id).where(Member.code == code)) is not None:
        raise DomainError(_l("A member with the code %(code)s already exists.", code=code))
    _refuse_taken_number(number, None)
    member = Member(code=code, name=name.strip(), enterprise_number=number, region=region,
                    activities=ordered)
    db.session.add(member)
    db.session.flush()
    log_event("member.created", member, actor=actor, member_id=member.id,
              after={"code": code, "name": member.name, "enterprise_number": number,
                     "region": region, "activities": ordered})
    return member


def _checked_profile(name: str, enterprise_number: str, region: str,
                     activities: list[str]) -> tuple[str, list[str]]:
    """The enterprise number normalised and the activities in their canonical order."""
    if not name.strip():
        raise DomainError(_l("The member needs a name."))
    number = checked_enterprise_number(enterprise_number)
    if region not in set(Region):
        raise DomainError(_l("Unknown region %(region)s.", region=region))
    unknown = sorted(set(activities) - ACTIVITY_FLAGS)
    if unknown:
        raise DomainError(_l("Unknown activity %(activity)s.", activity=", ".join(unknown)))
    return number, [a.value for a in Activity if a.value in set(activities)]


def _refuse_taken_number(number: str, member_id: int | None) -> None:
    taken = db.session.scalar(select(Member.id).where(Member.enterprise_number == number))
    if taken is not None and taken != member_id:
        raise DomainError(_l("A member with the enterprise number %(number)s already exists.",
                             number=number))


def saved_first_text(member: Member) -> str:
    """Who saved the member while the form was open, and when."""
    from flask_babel import format_datetime

    who = member.updated_by.name if member.updated_by else "?"
    when = format_datetime(member.updated_at, "short") if member.updated_at else ""
    return str(_l("%(name)s saved this member meanwhile (%(when)s). Nothing was changed: "
                  "your input is kept below; check it and save again.", name=who, when=when))


def update_member(member: Member, *, name: str, enterprise_number: str, region: str,
                  activities: list[str], revision: int, actor: User) -> None:
    """Staff's edit of a member's profile, from a form loaded at ``revision``. The
    features above react to a changed profile (``member_changed``): an open assessment
    follows the new activities."""
    number, ordered = _checked_profile(name, enterprise_number, region, activities)
    _refuse_taken_number(number, member.id)
    if (revision or 0) != member.revision:
        raise Conflict(saved_first_text(member))
    before = member.snapshot()
    member.name, member.enterprise_number = name.strip(), number
    member.region, member.activities = region, ordered
    member.revision += 1
    member.updated_at, member.updated_by_id = utcnow(), actor.id
    flush_or_conflict(_l("Someone else saved this member meanwhile. Nothing was changed: "
                         "check it and save again."))
    after = member.snapshot()
    if after == before:
        return
    log_event("member.updated", member, actor=actor, member_id=member.id, before=before,
              after=after)
    member_changed.send(member, before=before, actor=actor)


def checked_enterprise_number(raw: str) -> str:
    try:
        return normalize_enterprise_number(raw)
    except InvalidEnterpriseNumber as exc:
        raise DomainError(_l("%(number)s is not a valid enterprise number: %(reason)s.",
                             number=raw.strip(),
                             reason=ENTERPRISE_REASONS.get(exc.reason, exc.reason))) from None


def assign_consultants(member: Member, consultants: list[User], *, actor: User | None) -> None:
    """Set the consultants who may see and review this member."""
    if any(c.role != Role.CONSULTANT for c in consultants):
        raise DomainError(_l("Only consultants are assigned to members."))
    before = sorted(c.email for c in member.consultants)
    for consultant in consultants:
        if member not in consultant.assigned_members:
            consultant.assigned_members.append(member)
    for consultant in list(member.consultants):
        if consultant not in consultants:
            consultant.assigned_members.remove(member)
    db.session.flush()
    db.session.expire(member, ["consultants"])
    log_event("member.consultants", member, actor=actor, member_id=member.id,
              before={"consultants": before},
              after={"consultants": sorted(c.email for c in consultants)})
