"""Making, revoking and checking API tokens; counting their requests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select, update
from sqlalchemy.orm import joinedload

from compliance.audit import log_event
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.permissions import is_staff, manages
from compliance.tokens.models import PREFIX, SCOPES, ApiToken

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.members.models import Member

NAME_LENGTH = 80
WINDOW = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(member: Member, *, name: str, scopes: list[str],
                 actor: User) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once: only its hash is kept."""
    if not manages(actor, member.id):
        raise DomainError(_l("Only a manager of the member can make its API tokens."))
    name = name.strip()
    if not name or len(name) > NAME_LENGTH:
        raise DomainError(_l("Give the token a name of at most %(max)d characters (the "
                             "software that will use it, for example).", max=NAME_LENGTH))
    chosen = [s for s in SCOPES if s in set(scopes)]
    if not chosen or len(chosen) != len(set(scopes)):
        raise DomainError(_l("Choose at least one of the scopes offered."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(member_id=member.id, name=name, scopes=chosen,
                     token_hash=token_hash(secret), hint=secret[:10], created_by_id=actor.id)
    db.session.add(token)
    db.session.flush()
    log_event("api_token.created", token, actor=actor, member_id=member.id,
              after=token.snapshot())
    return token, secret


def may_revoke(user: User, token: ApiToken) -> bool:
    return is_staff(user) or manages(user, token.member_id)


def revoke_token(token: ApiToken, *, actor: User) -> None:
    if not may_revoke(actor, token):
        raise DomainError(_l("Your role does not allow this."))
    if token.revoked:
        raise DomainError(_l("This token is already revoked."))
    before = token.snapshot()
    token.revoked_at = utcnow()
    token.revoked_by_id = actor.id
    log_event("api_token.revoked", token, actor=actor, member_id=token.member_id,
              before=before, after=token.snapshot())


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret, if any: not revoked, and its maker still a
    manager of its member (a token never does more than the person who made it)."""
    if not secret.startswith(PREFIX):
        return None
    digest = token_hash(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest)
                              .options(joinedload(ApiToken.created_by)))
    if token is None or token.revoked or not hmac.compare_digest(token.token_hash, digest):
        return None
    maker = token.created_by
    if not maker.active or not manages(maker, token.member_id):
        return None
    return token


@dataclass(frozen=True)
class Count:
    allowed: bool
    retry_after: int  # seconds until the window ends (when refused)


def count_request(token: ApiToken, limit: int, now: datetime | None = None) -> Count:
    """Count one request in the token's current minute, in one statement that concurrent
    requests cannot both slip through, and record when the token was last used."""
    now = now or utcnow()
    fresh = (ApiToken.window_start.is_(None)) | (ApiToken.window_start <= now - WINDOW)
    start, count = db.session.execute(
        update(ApiToken).where(ApiToken.id == token.id).values(
            window_start=case((fresh, now), else_=ApiToken.window_start),
            window_count=case((fresh, 1), else_=ApiToken.window_count + 1),
            last_used_at=now)
        .returning(ApiToken.window_start, ApiToken.window_count)
        .execution_options(synchronize_session=False)).one()
    if start.tzinfo is None:  # SQLite gives back what the statement set, as stored
        start = start.replace(tzinfo=now.tzinfo)
    if count <= limit:
        return Count(True, 0)
    return Count(False, max(1, int((start + WINDOW - now).total_seconds() + 0.999)))
