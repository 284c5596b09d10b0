"""Reading user accounts."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from compliance.auth.models import User


def users_query(*, search: str | None = None):
    query = select(User).order_by(User.role, User.email)
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.email).like(like),
                                func.lower(User.name).like(like)))
    return query
