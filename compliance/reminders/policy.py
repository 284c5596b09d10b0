"""When a deadline is reminded: pure date arithmetic, no Flask, no database.

Steps: 30, 7 and 1 days before, on the day, then every 7 days while overdue (all
configurable). A pass sends the latest step whose date has come, once (the ledger
remembers): a day the scheduler missed is caught up by the next pass, and a step that
was overtaken by a later one is not sent late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class ReminderPolicy:
    days_before: tuple[int, ...] = (30, 7, 1)
    overdue_every: int = 7
    review_days: int = 14


DEFAULT_POLICY = ReminderPolicy()


def current_step(due: date, today: date, policy: ReminderPolicy = DEFAULT_POLICY) -> str | None:
    """The step to send today for a deadline on ``due``, or None when none has come."""
    days_left = (due - today).days
    if days_left > 0:
        passed = [d for d in sorted(policy.days_before) if d >= days_left]
        return f"before-{passed[0]}" if passed else None
    if days_left == 0:
        return "due"
    weeks = -days_left // policy.overdue_every
    return "due" if weeks == 0 else f"overdue-{weeks * policy.overdue_every}"


def add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def review_due(submitted_on: date, policy: ReminderPolicy = DEFAULT_POLICY) -> date:
    return submitted_on + timedelta(days=policy.review_days)
