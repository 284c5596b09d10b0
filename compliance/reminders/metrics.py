"""The reminder passes in /metrics: attempts by outcome, and when a day was last done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from compliance.extensions import db
from compliance.observability import collector
from compliance.reminders.models import JobRun


@collector
def reminder_pass_lines() -> list[str]:
    lines = ["# TYPE compliance_reminder_passes_total counter"]
    for outcome, count in db.session.execute(
            select(JobRun.outcome, func.count()).group_by(JobRun.outcome)
            .order_by(JobRun.outcome)):
        lines.append(f'compliance_reminder_passes_total{{outcome="{outcome}"}} {count}')
    last: datetime | None = db.session.scalar(
        select(func.max(JobRun.finished_at)).where(JobRun.outcome == "done"))
    if last is not None:
        lines.append(f"compliance_reminder_last_done_timestamp_seconds {last.timestamp():.0f}")
    digests = db.session.scalar(select(func.coalesce(func.sum(JobRun.digests), 0)))
    lines.append(f"compliance_reminder_digests_total {digests}")
    return lines
