"""One reminder pass: work out what is due, then one digest per person, exactly once."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import insert, select, tuple_
from sqlalchemy.exc import IntegrityError

from compliance.auth.models import Role, User
from compliance.extensions import db
from compliance.i18n import DEFAULT_LANGUAGE
from compliance.links import absolute_url
from compliance.mail import Mailer, MailServerDown
from compliance.reminders.deadlines import Deadline, collect_deadlines
from compliance.reminders.lock import exclusive
from compliance.reminders.models import Notice, SentReminder
from compliance.reminders.policy import ReminderPolicy, current_step

log = logging.getLogger(__name__)
STAFF_DIGEST_WEEKDAY = 0  # Monday
STAFF_OVERDUE_SHOWN = 200
SENDERS = 4  # SMTP connections used at once
LOCK = "reminders"  # one pass at a time


@dataclass(frozen=True)
class Reminder:
    deadline: Deadline
    step: str


@dataclass
class PassResult:
    today: date
    digests: int = 0
    reminders: int = 0
    notices: int = 0
    skipped: int = 0
    planned: dict[int, list[Reminder]] = field(default_factory=dict)
    error: str | None = None
    interrupted: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def policy_from_config() -> ReminderPolicy:
    config = current_app.config
    return ReminderPolicy(days_before=tuple(config["REMINDER_DAYS_BEFORE"]),
                          overdue_every=config["REMINDER_OVERDUE_EVERY"],
                          review_days=config["REVIEW_DAYS"])


def plan(today: date, policy: ReminderPolicy) -> dict[int, list[Reminder]]:
    """recipient id → the reminders due today that were never sent to them."""
    wanted: dict[int, list[Reminder]] = defaultdict(list)
    deadlines = collect_deadlines(today, policy)
    for deadline in deadlines:
        step = current_step(deadline.due, today, policy)
        if step is None:
            continue
        for recipient in deadline.recipient_ids:
            wanted[recipient].append(Reminder(deadline, step))
    if today.weekday() == STAFF_DIGEST_WEEKDAY:
        _plan_staff_digest(wanted, deadlines, today)
    sent = _already_sent(wanted)
    # One digest a day at most: whoever already had one today gets the rest tomorrow.
    had_today = set(db.session.scalars(select(SentReminder.recipient_id).where(
        SentReminder.sent_on == today, SentReminder.recipient_id.in_(list(wanted))).distinct()))
    return {user_id: items for user_id, reminders in wanted.items()
            if user_id not in had_today
            and (items := [r for r in reminders
                           if (r.deadline.key, user_id, r.step) not in sent])}


def _plan_staff_digest(wanted, deadlines: list[Deadline], today: date) -> None:  # noqa: ANN001
    """Staff get, once a week, the sector's overdue items."""
    overdue = sorted((d for d in deadlines if d.due < today), key=lambda d: d.due)
    if not overdue:
        return
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    staff = db.session.scalars(select(User.id).where(
        User.role.in_([Role.STAFF.value, Role.ADMIN.value]), User.active.is_(True))).all()
    for user_id in staff:
        for deadline in overdue[:STAFF_OVERDUE_SHOWN]:
            wanted[user_id].append(Reminder(deadline, f"sector-{week}"))


def _already_sent(wanted) -> set[tuple[str, int, str]]:  # noqa: ANN001
    keys = [(r.deadline.key, user_id, r.step) for user_id, items in wanted.items()
            for r in items]
    found: set[tuple[str, int, str]] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update(db.session.execute(
            select(SentReminder.deadline_key, SentReminder.recipient_id, SentReminder.step)
            .where(tuple_(SentReminder.deadline_key, SentReminder.recipient_id,
                          SentReminder.step).in_(chunk))).all())
    return found


def run_pass(today: date, *, dry_run: bool = False, stop: threading.Event | None = None,
             locked: bool = False) -> PassResult:
    """Send today's reminders, one digest per person, exactly once.

    One pass at a time (``lock.exclusive``; ``locked`` when the caller holds it): a
    second one waits, then finds everything sent. Person by person, over a few
    mail-server connections at once (a thread and a database session each): the digest
    goes to the mail server, and as soon as the server accepted it the person's ledger
    rows and notices are written and committed, in a short transaction of their own. A
    process killed mid-pass therefore leaves every accepted digest marked and no other
    (but for the commit in flight); ``stop`` (set on SIGTERM) ends the pass between two
    people. A refused digest stops the pass: the next one delivers what was not sent.
    """
    if dry_run or locked:
        return _run_pass(today, dry_run=dry_run, stop=stop)
    with exclusive(LOCK):
        return _run_pass(today, dry_run=dry_run, stop=stop)


def _run_pass(today: date, *, dry_run: bool, stop: threading.Event | None) -> PassResult:
    result = PassResult(today)
    planned = plan(today, policy_from_config())
    result.planned = planned
    db.session.rollback()
    if dry_run or not planned:
        return result
    order = sorted(planned)
    app = current_app._get_current_object()
    outbox = Path(app.instance_path) / "outbox"
    halt = threading.Event()
    try:
        with Mailer(app.config, outbox, connections=SENDERS) as mailer:
            slots = mailer.open_slots(SENDERS)
            with ThreadPoolExecutor(max_workers=slots) as pool:
                futures = [pool.submit(_deliver_share, app, mailer, slot, order[slot::slots],
                                       planned, today, result, halt, stop)
                           for slot in range(slots)]
                for future in futures:
                    future.result()
    except MailServerDown as exc:
        result.error = str(exc)
        log.error("reminders: %s; the next pass will deliver what was not sent", exc)
    result.interrupted = bool(stop is not None and stop.is_set())
    return result


def _deliver_share(app: Flask, mailer: Mailer, slot: int, user_ids: list[int],
                   planned: dict[int, list[Reminder]], today: date, result: PassResult,
                   halt: threading.Event, stop: threading.Event | None) -> None:
    """One sender: send, then mark, each person's digest in turn."""
    with app.app_context():
        try:
            users = {u.id: u for u in db.session.scalars(
                select(User).where(User.id.in_(user_ids)))}
            db.session.commit()
            for user_id in user_ids:
                if halt.is_set() or (stop is not None and stop.is_set()):
                    return
                _deliver_one(mailer, slot, users[user_id], planned[user_id], today, result,
                             halt)
        except BaseException:
            halt.set()
            db.session.rollback()
            raise
        finally:
            db.session.remove()


def _deliver_one(mailer: Mailer, slot: int, user: User, reminders: list[Reminder],
                 today: date, result: PassResult, halt: threading.Event) -> None:
    message, ledger, notices = _prepare(user, reminders, today)
    if message is not None:
        error = mailer.send_one(slot, f"{today.isoformat()}-{user.id}", message)
        if error:  # not accepted by the server: not sent, so not marked
            halt.set()
            raise MailServerDown(error)
    try:
        connection = db.session.connection()  # Core inserts: no ORM objects to track
        connection.execute(insert(SentReminder.__table__), ledger)
        connection.execute(insert(Notice.__table__), notices)
        db.session.commit()  # accepted: marked at once
    except IntegrityError:  # marked by a pass that did not take the lock
        db.session.rollback()
        log.error("reminders: %s was reminded by another pass at the same time", user.id)
        with result.lock:
            result.skipped += 1
        return
    with result.lock:
        result.digests += int(message is not None)
        result.reminders += len(reminders)
        result.notices += len(reminders)


def _prepare(user: User, reminders: list[Reminder], today: date
             ) -> tuple[Message | None, list[dict[str, Any]], list[dict[str, Any]]]:
    """The person's digest (None when they turned it off), ledger rows and notices."""
    language = user.locale or DEFAULT_LANGUAGE
    email = user.digest_enabled and user.active
    with force_locale(language):
        words = _Words(language, today)
        ledger = [{"deadline_key": r.deadline.key, "recipient_id": user.id, "step": r.step,
                   "due": r.deadline.due, "sent_on": today, "emailed": email}
                  for r in reminders]
        notices = [{"user_id": user.id, "text": words.notice(r), "url": r.deadline.path,
                    "due": r.deadline.due, "kind": r.deadline.kind,
                    "params": notice_params(r.deadline, today)} for r in reminders]
        return (digest_message(user, reminders, words) if email else None), ledger, notices


def notice_params(deadline: Deadline, today: date) -> dict[str, Any]:
    """What a notice needs to be written in any language when it is shown (``on``: the
    day of the pass, from which "in 7 days" is counted)."""
    return {"member": deadline.member_code, "subject": deadline.subject,
            "titles": dict(deadline.titles), "on": today.isoformat()}


KIND_LABELS = {
    "assessment_due": lambda: _("Self-assessment due"),
    "review_due": lambda: _("Pre-audit review due"),
    "action_due": lambda: _("Corrective action due"),
    "evidence_expiry": lambda: _("Evidence expires"),
    "duty_due": lambda: _("Recurring duty due"),
}


def when_text(due: date, today: date) -> str:
    days = (due - today).days
    if days > 0:
        return ngettext("in %(num)d day", "in %(num)d days", days)
    if days == 0:
        return _("today")
    return ngettext("overdue by %(num)d day", "overdue by %(num)d days", -days)


class _Words:
    """Dates and labels of one language, formatted once per pass and person."""

    def __init__(self, language: str, today: date):
        self.language = language
        self.today = today
        self.kinds = {kind: label() for kind, label in KIND_LABELS.items()}
        self.dates: dict[date, tuple[str, str]] = {}

    def day(self, due: date) -> tuple[str, str]:
        if due not in self.dates:
            self.dates[due] = (format_date(due), when_text(due, self.today))
        return self.dates[due]

    def notice(self, reminder: Reminder) -> str:
        deadline = reminder.deadline
        formatted, when = self.day(deadline.due)
        return (f"{self.kinds[deadline.kind]} — {deadline.member_code} — "
                f"{deadline.subject_in(self.language)} — {formatted} ({when})")


def digest_message(user: User, reminders: list[Reminder], words: _Words) -> Message:
    """The digest as plain text and HTML. Built with the compat32 MIME classes: with
    thousands of digests a pass, the modern email policy's header parsing dominated."""
    base = absolute_url("")
    items = [{"kind": words.kinds[r.deadline.kind], "member": r.deadline.member_code,
              "subject": r.deadline.subject_in(words.language),
              "due": words.day(r.deadline.due)[0], "when": words.day(r.deadline.due)[1],
              "overdue": r.deadline.due < words.today, "url": absolute_url(r.deadline.path)}
             for r in sorted(reminders, key=lambda r: (r.deadline.due, r.deadline.key))]
    context = {"user": user, "items": items, "base": base,
               "today": words.day(words.today)[0]}
    message = MIMEMultipart("alternative")
    message["Subject"] = Header(ngettext("%(num)d deadline to watch — MDR compliance",
                                         "%(num)d deadlines to watch — MDR compliance",
                                         len(items)), "utf-8")
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="compliance.local")
    message["Content-Language"] = words.language
    message.attach(MIMEText(render_template("reminders/emails/digest.txt", **context),
                            "plain", "utf-8"))
    message.attach(MIMEText(render_template("reminders/emails/digest.html", **context),
                            "html", "utf-8"))
    return message
