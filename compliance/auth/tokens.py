"""The secrets of e-mailed links (invitations, password resets): random, shown once in
the link, kept only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from compliance.db import utcnow
from compliance.errors import DomainError


def new_link_secret() -> tuple[str, str]:
    """(the secret for the link, its hash for the database)."""
    token = secrets.token_urlsafe(32)
    return token, link_hash(token)


def link_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class LinkRefused(DomainError):
    """An e-mailed link that cannot be used (any more); the page says why."""

    def __init__(self, message: object, status: int = 410):
        super().__init__(message)
        self.status = status


UNKNOWN_LINK = _l("This link is not valid. Check that you copied all of it, or ask for a "
                  "new one.")


def check_link(record: Any, *, revoked: bool = False) -> None:
    """The rules of every e-mailed link: it exists, was not withdrawn, not used, not
    expired. ``record`` has ``used_at`` and ``expires_at``."""
    if record is None:
        raise LinkRefused(UNKNOWN_LINK, 404)
    if revoked:
        raise LinkRefused(_l("This invitation was withdrawn. Ask the person who invited you "
                             "for a new one."))
    if record.used_at is not None:
        raise LinkRefused(_l("This link was already used: each link works once. Ask for a "
                             "new one if you need it."))
    if record.expires_at <= utcnow():
        raise LinkRefused(_l("This link expired on %(when)s. Ask for a new one.",
                             when=format_datetime(record.expires_at, "short")))


def expiry(hours: int) -> datetime:
    return utcnow() + timedelta(hours=hours)
