"""What reminders need to remember: recurring duties done, reminders sent, notices."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from compliance.db import utcnow
from compliance.extensions import db


class RecurringDuty(db.Model):
    """When a member last did a recurring duty of the manual (its management review...)."""

    __tablename__ = "recurring_duty"
    __table_args__ = (UniqueConstraint("member_id", "requirement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    requirement_key: Mapped[str] = mapped_column(String(12))
    last_done: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentReminder(db.Model):
    """The ledger: one row per (deadline, recipient, step), unique, so nothing goes twice.

    A pass writes and commits the rows of a person's digest as soon as the mail server
    accepted it: a failed send leaves no row. Passes run one at a time (a lock); the
    unique index is the last guard.
    """

    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("deadline_key", "recipient_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_key: Mapped[str] = mapped_column(String(120))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    due: Mapped[date]
    sent_on: Mapped[date]
    emailed: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notice(db.Model):
    """An in-app notice: the same reminders, shown in the application.

    What it says is stored as a message key (the deadline's ``kind``) and its ``params``
    (member, subject, titles by language), and written when it is shown, in the reader's
    language (``compliance.reminders.notices``). ``text`` keeps the words as they went
    out with the day's digest; a notice without a kind (none is made any more) shows it.
    """

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(300))
    due: Mapped[date | None]
    kind: Mapped[str | None] = mapped_column(String(30))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class JobRun(db.Model):
    """One attempt of a scheduled job for a day (the reminder pass): the scheduler runs a
    day's pass until one attempt ends "done", so a day missed while stopped, or failed
    while the database or the mail server was down, is caught up or retried."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    digests: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
