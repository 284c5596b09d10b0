"""A person's deadlines as an iCalendar feed (RFC 5545), built with the icalendar library."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from compliance.db import utcnow
from compliance.links import absolute_url
from compliance.reminders.deadlines import Scope, collect_deadlines
from compliance.reminders.services import KIND_LABELS, policy_from_config


def feed(user, today: date) -> bytes:  # noqa: ANN001
    """The deadlines this person is reminded of (their members' only, not the sector's)."""
    calendar = Calendar()
    calendar.add("prodid", "-//MDR compliance//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "MDR compliance")
    stamp: datetime = utcnow()
    language = user.locale or "en"
    deadlines = collect_deadlines(today, policy_from_config(), Scope.person(user))
    for deadline in sorted(deadlines, key=lambda d: (d.due, d.key)):
        event = Event()
        event.add("uid", f"{deadline.key}@mdr-compliance")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + timedelta(days=1))
        event.add("summary", f"{KIND_LABELS[deadline.kind]()}: {deadline.member_code} — "
                             f"{deadline.subject_in(language)}")
        event.add("url", absolute_url(deadline.path))
        calendar.add_component(event)
    return calendar.to_ical()
