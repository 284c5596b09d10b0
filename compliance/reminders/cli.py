"""compliance reminders send | compliance scheduler"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from compliance import clock
from compliance.auth.models import User
from compliance.extensions import db
from compliance.reminders.services import run_pass

reminders_cli = AppGroup("reminders", help="Deadline reminders.")


@reminders_cli.command("send")
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as if it were this day (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Print who would get what; send nothing.")
def send(day: datetime | None, dry_run: bool) -> None:
    """One reminder pass: digests by e-mail, in-app notices, each exactly once."""
    today = day.date() if day else clock.today()
    with clock.frozen(today):
        result = run_pass(today, dry_run=dry_run)
    if dry_run:
        users = {u.id: u for u in db.session.scalars(
            db.select(User).where(User.id.in_(result.planned)))}
        for user_id, reminders in sorted(result.planned.items()):
            user = users[user_id]
            click.echo(f"{user.email} ({user.locale or 'en'}): {len(reminders)} reminder(s)"
                       + ("" if user.digest_enabled else " [digest off: notices only]"))
            for reminder in reminders:
                click.echo(f"  {reminder.deadline.due} {reminder.step:<12} "
                           f"{reminder.deadline.kind:<16} {reminder.deadline.key}")
        click.echo(f"dry run for {today}: {sum(map(len, result.planned.values()))} reminders "
                   f"to {len(result.planned)} people; nothing sent")
        return
    click.echo(f"{today}: {result.digests} digest(s) sent, {result.reminders} reminder(s), "
               f"{result.notices} notice(s), {result.skipped} skipped (sent by another pass)")
    if result.error:
        raise click.ClickException(f"mail server unavailable: {result.error}; what was not "
                                   "sent will go with the next pass")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the reminder pass daily at REMINDER_TIME, Europe/Brussels (its own process).

    Checked every minute and at start: a day missed while stopped is caught up, a failed
    pass retried every REMINDER_RETRY_MINUTES. SIGTERM (systemctl stop) ends the pass
    after the digest being sent, marked; only one scheduler runs a pass at a time.
    """
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    from compliance.reminders.scheduler import DailyPass

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = current_app._get_current_object()
    hour, minute = app.config["REMINDER_TIME"]
    stop = threading.Event()
    daily = DailyPass(app, stop)
    scheduler = BlockingScheduler(timezone=clock.BRUSSELS)

    def on_term(signum: int, frame: object) -> None:
        stop.set()  # the pass ends after the digest in flight, marked
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, on_term)
    scheduler.add_job(daily.tick, IntervalTrigger(minutes=1, timezone=clock.BRUSSELS),
                      id="reminders", coalesce=True, max_instances=1,
                      next_run_time=datetime.now(clock.BRUSSELS))
    click.echo(f"scheduler: reminders daily at {hour:02d}:{minute:02d} Europe/Brussels "
               "(Ctrl+C to stop)")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
