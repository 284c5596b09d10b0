"""The scheduler neither repeats nor skips: real `compliance scheduler` processes, a real
SMTP server, a process killed (SIGKILL) or stopped (SIGTERM) mid-pass, two at once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from compliance import clock
from compliance.extensions import db
from compliance.reminders.models import JobRun, SentReminder
from compliance.reminders.scheduler import DailyPass
from tests import conftest, factories
from tests.conftest import free_port

MANAGERS = 12


@pytest.fixture
def world(app, db, manual_path):
    """Twelve workshops, each with a manager and a self-assessment due in a week."""
    with app.app_context():
        emails = []
        for n in range(MANAGERS):
            member = factories.member(code=f"MEM-{n:02d}")
            emails.append(factories.user(f"manager{n:02d}@ws.example", "member_manager",
                                         member=member).email)
        factories.campaign(factories.manual(manual_path),
                           due_date=clock.today() + timedelta(days=7))
        db.session.commit()
    return sorted(emails)


class Server:
    """An SMTP server that records what it accepted, and can stop its client mid-pass:
    at the ``at``-th message it sends ``sig`` to the scheduler process."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.accepted: list[str] = []
        self.seen = 0
        self.process: subprocess.Popen | None = None
        self.at: int | None = None
        self.sig = signal.SIGKILL
        self.dying = False
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.seen += 1
        if self.dying:
            return "451 try again later"
        if self.seen == self.at and self.process is not None:
            if self.sig == signal.SIGTERM:  # asked to stop while this digest is in flight
                self.process.send_signal(signal.SIGTERM)
                await asyncio.sleep(0.3)
                self.accepted.extend(envelope.rcpt_tos)
                return "250 OK"
            # Refuse what arrives from now on, let the other connections' accepted
            # digests be committed, then kill the process while this one is in flight:
            # it was never accepted.
            self.dying = True
            await asyncio.sleep(0.5)
            self.process.kill()
            return "451 try again later"
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def server():
    smtp = Server()
    yield smtp
    smtp.controller.stop()


def scheduler(app, database_url, server) -> subprocess.Popen:
    env = {**os.environ, **conftest.test_environ(app.instance_path, database_url),
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(server.controller.port),
           "REMINDER_TIME": "00:00", "PYTHONPATH": os.getcwd()}
    env.pop("MAIL_TRANSPORT", None)
    return subprocess.Popen([sys.executable, "-c", "from compliance.cli import main; main()",
                             "scheduler"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def runs(app) -> list[str]:
    with app.app_context():
        outcomes = list(db.session.scalars(select(JobRun.outcome).order_by(JobRun.id)))
        db.session.remove()
    return outcomes


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    return output


def marked(app) -> set[str]:
    from compliance.auth.models import User

    with app.app_context():
        emails = set(db.session.scalars(select(User.email).join(
            SentReminder, SentReminder.recipient_id == User.id)))
        db.session.remove()
    return emails


def test_a_pass_killed_mid_way_then_restarted_sends_each_digest_once(app, database_url, world,
                                                                      server):
    server.at = 5
    server.process = first = scheduler(app, database_url, server)
    output = first.communicate(timeout=120)[0]
    assert first.returncode == -signal.SIGKILL, output
    assert 0 < len(server.accepted) < MANAGERS  # killed mid-pass
    assert marked(app) == set(server.accepted)  # every accepted digest marked, no other
    assert runs(app) == ["running"]
    server.at, server.dying = None, False
    second = scheduler(app, database_url, server)  # the restart catches the day up
    wait_for(lambda: "done" in runs(app))
    output = stop(second)
    assert Counter(server.accepted) == Counter(world), output  # each once, none skipped
    assert runs(app) == ["killed", "done"]


def test_sigterm_ends_the_pass_after_the_digest_in_flight(app, database_url, world, server):
    server.at, server.sig = 4, signal.SIGTERM
    server.process = first = scheduler(app, database_url, server)
    output = first.communicate(timeout=120)[0]
    assert first.returncode == 0, output
    assert 0 < len(server.accepted) < MANAGERS
    assert marked(app) == set(server.accepted)
    assert runs(app) == ["interrupted"]
    second = scheduler(app, database_url, server)
    wait_for(lambda: "done" in runs(app))
    stop(second)
    assert Counter(server.accepted) == Counter(world)


def test_two_schedulers_run_one_pass(app, database_url, world, server):
    both = [scheduler(app, database_url, server) for _ in range(2)]
    wait_for(lambda: "done" in runs(app))
    time.sleep(1)  # the other one had its chance
    for process in both:
        stop(process)
    assert Counter(server.accepted) == Counter(world)
    assert runs(app) == ["done"]


def test_a_failed_pass_is_retried_after_the_delay_and_not_before(app, world, server,
                                                                monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens: down
    monkeypatch.setitem(app.config, "REMINDER_TIME", (0, 0))
    daily = DailyPass(app, threading.Event())
    now = datetime.now(clock.BRUSSELS).replace(hour=12)
    assert daily.tick(now) == "failed"
    assert daily.tick(now + timedelta(minutes=5)) is None  # within REMINDER_RETRY_MINUTES
    monkeypatch.setitem(app.config, "SMTP_PORT", server.controller.port)  # back up
    assert daily.tick(now + timedelta(minutes=10)) == "done"
    assert daily.tick(now + timedelta(minutes=30)) is None  # the day is done
    assert Counter(server.accepted) == Counter(world)
    assert runs(app) == ["failed", "done"]


def test_nothing_before_the_reminder_time_and_a_database_down_is_retried(app, world, server,
                                                                         monkeypatch):
    from sqlalchemy.exc import OperationalError

    from compliance.reminders import scheduler as module

    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.controller.port)
    monkeypatch.setitem(app.config, "REMINDER_TIME", (7, 0))
    daily = DailyPass(app, threading.Event())
    early = datetime.now(clock.BRUSSELS).replace(hour=6, minute=59)
    assert daily.tick(early) is None
    owed = module.pass_owed

    def unreachable(*args):
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(module, "pass_owed", unreachable)
    assert daily.tick(early.replace(hour=7, minute=0)) == "failed"
    monkeypatch.setattr(module, "pass_owed", owed)  # the database is back
    assert daily.tick(early.replace(hour=7, minute=5)) is None
    assert daily.tick(early.replace(hour=7, minute=10)) == "done"
    assert runs(app) == ["done"] and Counter(server.accepted) == Counter(world)
