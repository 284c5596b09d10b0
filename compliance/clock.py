"""One clock: what day it is in Brussels, where the association works.

Every "today" of the product (due dates, overdue badges, reminders, reports) comes from
:func:`today`. Tests and the command line's ``--today`` set it with :func:`frozen`, or
an app sets ``TODAY`` in its config; nothing else calls ``date.today()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

BRUSSELS = ZoneInfo("Europe/Brussels")
_frozen: ContextVar[date | None] = ContextVar("frozen_today", default=None)
_moment: ContextVar[datetime | None] = ContextVar("frozen_moment", default=None)


def today() -> date:
    """Today in Europe/Brussels, unless frozen for a test or a ``--today`` run."""
    day = _frozen.get()
    if day is not None:
        return day
    if has_app_context() and current_app.config.get("TODAY") is not None:
        return current_app.config["TODAY"]
    return datetime.now(BRUSSELS).date()


@contextmanager
def frozen(day: date) -> Iterator[date]:
    """Run the block as if it were ``day``."""
    token = _frozen.set(day)
    try:
        yield day
    finally:
        _frozen.reset(token)


def now() -> datetime:
    """The current moment, aware, in UTC (every recorded timestamp: ``db.utcnow``),
    unless set with :func:`at`."""
    moment = _moment.get()
    return moment if moment is not None else datetime.now(UTC)


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Run the block as if it were that moment (aware): the timestamps recorded and
    ``today()`` both. The demo tells its history with it, one step after another."""
    moment = moment.astimezone(UTC)
    token = _moment.set(moment)
    try:
        with frozen(moment.astimezone(BRUSSELS).date()):
            yield moment
    finally:
        _moment.reset(token)
