"""clock.at: one moment for the recorded timestamps and for today (the demo's history)."""

from datetime import UTC, date, datetime, timedelta

from compliance import clock
from compliance.db import utcnow


def test_at_sets_the_moment_and_the_day_in_brussels():
    moment = datetime(2025, 3, 30, 23, 30, tzinfo=UTC)  # already the 31st in Brussels
    with clock.at(moment):
        assert clock.now() == moment and utcnow() == moment
        assert clock.today() == date(2025, 3, 31)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.today() != date(2025, 3, 31)


def test_frozen_day_leaves_timestamps_alone():
    with clock.frozen(date(2025, 1, 1)):
        assert clock.today() == date(2025, 1, 1)
        assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)
