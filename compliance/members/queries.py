"""Reading member workshops."""

from __future__ import annotations

from sqlalchemy import Select, select

from compliance.extensions import db
from compliance.members.models import Member


def members_query() -> Select[tuple[Member]]:
    return select(Member).order_by(Member.code)


def member_by_code(code: str) -> Member | None:
    return db.session.scalar(select(Member).where(Member.code == code.strip().upper()))
