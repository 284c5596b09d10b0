"""The notifications' ledger (each notification reaches each recipient once) and the
kinds a person switched off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from compliance.db import utcnow
from compliance.extensions import db


class SentNotification(db.Model):
    """One row per (event, recipient), unique: written in the transaction of the change
    that caused it, so a change rolled back notifies no one and a change made once
    notifies each person once. ``emailed_at`` is set when the mail server accepted the
    e-mail (never, when the person switched that kind off)."""

    __tablename__ = "sent_notification"
    __table_args__ = (UniqueConstraint("event_key", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    wants_email: Mapped[bool] = mapped_column(default=True)
    emailed_at: Mapped[datetime | None]


class NotificationOptOut(db.Model):
    """A kind of notification a person does not want by e-mail (the in-app notice stays)."""

    __tablename__ = "notification_opt_out"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
