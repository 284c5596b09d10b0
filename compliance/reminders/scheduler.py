"""The daily reminder pass that neither repeats nor skips.

Every minute (and at start) the scheduler asks whether today's pass is owed: the
REMINDER_TIME has come in Brussels and no attempt of today ended "done" (the job_run
table). A day missed while the scheduler was stopped is so caught up at the next start,
and a pass that failed (the database or the mail server down) is tried again every
REMINDER_RETRY_MINUTES. The pass runs under a lock (``lock.exclusive``) so that a
second scheduler, on this machine or another, waits and then finds the day done.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select, update

from compliance import clock
from compliance.db import utcnow
from compliance.extensions import db
from compliance.reminders.lock import exclusive
from compliance.reminders.models import JobRun
from compliance.reminders.services import LOCK, PassResult, run_pass

JOB = "reminders"
log = logging.getLogger("compliance.scheduler")


def pass_owed(app: Flask, now: datetime) -> bool:
    """The REMINDER_TIME has come today (Brussels) and no attempt today ended done."""
    hour, minute = app.config["REMINDER_TIME"]
    local = now.astimezone(clock.BRUSSELS)
    if (local.hour, local.minute) < (hour, minute):
        return False
    return db.session.scalar(select(JobRun.id).where(
        JobRun.job == JOB, JobRun.day == local.date(), JobRun.outcome == "done")) is None


class DailyPass:
    """What the scheduler's tick calls; remembers only when it last tried (in memory, for
    the retry delay: the database may be the thing that is down)."""

    def __init__(self, app: Flask, stop: threading.Event):
        self.app = app
        self.stop = stop
        self.last_try: datetime | None = None

    def tick(self, now: datetime | None = None) -> str | None:
        """Run the pass if it is owed and the retry delay has passed; its outcome."""
        now = now or datetime.now(clock.BRUSSELS)
        retry = timedelta(minutes=self.app.config.get("REMINDER_RETRY_MINUTES", 10))
        if self.stop.is_set() or (self.last_try and now - self.last_try < retry):
            return None
        with self.app.app_context():
            try:
                if not pass_owed(self.app, now):
                    return None
                self.last_try = now
                return self._run(now.astimezone(clock.BRUSSELS).date())
            except Exception:
                log.exception("reminders: the pass failed; tried again in %s", retry)
                self.last_try = now
                return "failed"
            finally:
                db.session.remove()

    def _run(self, day) -> str:  # noqa: ANN001 - a date
        with exclusive(LOCK):
            if not pass_owed(self.app, datetime.now(clock.BRUSSELS)):
                return "done elsewhere"
            # An attempt still "running" was killed: it holds no lock any more.
            db.session.execute(update(JobRun).where(
                JobRun.job == JOB, JobRun.outcome == "running").values(outcome="killed"))
            run = JobRun(job=JOB, day=day)
            db.session.add(run)
            db.session.commit()
            with clock.frozen(day):
                result = run_pass(day, stop=self.stop, locked=True)
            run.outcome = outcome(result)
            run.digests, run.error = result.digests, result.error
            run.finished_at = utcnow()
            db.session.commit()
        log.info("reminders %s: %s, %d digests, %d reminders, %d skipped%s", day,
                 run.outcome, result.digests, result.reminders, result.skipped,
                 f"; error: {result.error}" if result.error else "")
        return run.outcome


def outcome(result: PassResult) -> str:
    if result.error:
        return "failed"
    return "interrupted" if result.interrupted else "done"
