"""A person's deadlines as an iCalendar feed (RFC 5545), built with the icalendar library."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from icalendar import Calendar, Event

from compliance.db import utcnow
from compliance.reminders.deadlines import Deadline, collect_deadlines
from compliance.reminders.services import KIND_LABELS, policy_from_config


def deadlines_of(user_id: int, today: date) -> list[Deadline]:
    return [d for d in collect_deadlines(today, policy_from_config())
            if user_id in d.recipient_ids]


def feed(user, today: date) -> bytes:  # noqa: ANN001
    base = current_app.config["BASE_URL"]
    calendar = Calendar()
    calendar.add("prodid", "-//MDR compliance//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "MDR compliance")
    stamp: datetime = utcnow()
    language = user.locale or "en"
    for deadline in sorted(deadlines_of(user.id, today), key=lambda d: (d.due, d.key)):
        event = Event()
        event.add("uid", f"{deadline.key}@mdr-compliance")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + timedelta(days=1))
        event.add("summary", f"{KIND_LABELS[deadline.kind]()}: {deadline.member_code} — "
                             f"{deadline.subject_in(language)}")
        event.add("url", base + deadline.path)
        calendar.add_component(event)
    return calendar.to_ical()
