"""Reading API tokens: a member's, or every one (staff)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from compliance.extensions import db
from compliance.tokens.models import ApiToken


def tokens(member_id: int | None = None) -> list[ApiToken]:
    """Live tokens first, newest first; None: every member's."""
    query = (select(ApiToken)
             .options(joinedload(ApiToken.member), joinedload(ApiToken.created_by),
                      joinedload(ApiToken.revoked_by))
             .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc()))
    if member_id is not None:
        query = query.where(ApiToken.member_id == member_id)
    return list(db.session.scalars(query))
