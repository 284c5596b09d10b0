"""What a notice says, written when it is shown: in the reader's language, whatever the
language it was made in. The reminder pass stores a message key (the deadline's kind)
and its parameters; the words and the dates are the reader's."""

from __future__ import annotations

from datetime import UTC, date

from flask_babel import format_date

from compliance.clock import BRUSSELS
from compliance.reminders.models import Notice
from compliance.reminders.services import KIND_LABELS, when_text


def made_on(notice: Notice) -> date:
    """The day of the pass that made the notice (before the parameters kept it: the day
    it was stored, in Brussels)."""
    if (notice.params or {}).get("on"):
        return date.fromisoformat(notice.params["on"])
    return notice.created_at.replace(tzinfo=UTC).astimezone(BRUSSELS).date()


def notice_text(notice: Notice, language: str) -> str:
    """The notice in ``language`` (the current locale's): what is due, for whom, when —
    "in 7 days" as it was on the day the notice was made."""
    label = KIND_LABELS.get(notice.kind or "")
    if label is None or notice.params is None:
        return notice.text
    params = notice.params
    titles = params.get("titles") or {}
    title = titles.get(language) or titles.get("en")
    subject = f"{params.get('subject', '')} {title}" if title else params.get("subject", "")
    if notice.due is None:
        return f"{label()} — {params.get('member', '')} — {subject}"
    return (f"{label()} — {params.get('member', '')} — {subject} — {format_date(notice.due)} "
            f"({when_text(notice.due, made_on(notice))})")
