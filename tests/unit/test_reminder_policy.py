from datetime import date, timedelta

import pytest

from compliance.reminders.policy import ReminderPolicy, add_months, current_step

DUE = date(2027, 3, 31)


@pytest.mark.parametrize(("days_before_due", "step"), [
    (45, None), (31, None), (30, "before-30"), (20, "before-30"), (8, "before-30"),
    (7, "before-7"), (2, "before-7"), (1, "before-1"), (0, "due"),
    (-1, "due"), (-6, "due"), (-7, "overdue-7"), (-13, "overdue-7"), (-14, "overdue-14"),
    (-70, "overdue-70"),
])
def test_the_latest_step_that_has_come(days_before_due, step):
    assert current_step(DUE, DUE - timedelta(days=days_before_due)) == step


def test_each_step_is_a_new_key_once_a_week_while_overdue():
    steps = {current_step(DUE, DUE + timedelta(days=d)) for d in range(0, 29)}
    assert steps == {"due", "overdue-7", "overdue-14", "overdue-21", "overdue-28"}


def test_configurable_steps():
    policy = ReminderPolicy(days_before=(14, 3), overdue_every=3)
    assert current_step(DUE, DUE - timedelta(days=10), policy) == "before-14"
    assert current_step(DUE, DUE - timedelta(days=3), policy) == "before-3"
    assert current_step(DUE, DUE + timedelta(days=6), policy) == "overdue-6"


def test_months_are_calendar_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 5, 15), 12) == date(2027, 5, 15)
