"""A person's reminder settings: the daily digest, notices read, the calendar address."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import update

from compliance.db import utcnow
from compliance.extensions import db
from compliance.reminders.models import Notice

if TYPE_CHECKING:
    from compliance.auth.models import User


def mark_notices_read(user: User) -> None:
    db.session.execute(update(Notice).where(Notice.user_id == user.id,
                                            Notice.read_at.is_(None)).values(read_at=utcnow()))


def set_digest(user: User, enabled: bool) -> None:
    user.digest_enabled = enabled


def calendar_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def renew_calendar_token(user: User) -> str:
    """A new secret for the person's calendar address; only its hash is kept, so the
    address is shown once. The previous address stops working."""
    token = secrets.token_urlsafe(32)
    user.calendar_token = calendar_token_hash(token)
    return token
