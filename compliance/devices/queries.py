"""Reading the register: figures per month and per family, a page of statements, the
last 12 months' figures. Each is one query whatever the number of statements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import case, func, select
from sqlalchemy.sql.elements import ColumnElement

from compliance.devices.models import DeviceStatement
from compliance.extensions import db
from compliance.members.models import Member
from compliance.permissions import can_view_member, visible_member_ids

PER_PAGE = 50
S = DeviceStatement


@dataclass(frozen=True)
class Figures:
    """Statements received, complete, incomplete, and without a handover date."""

    key: str | None
    received: int = 0
    incomplete: int = 0
    no_handover: int = 0

    @property
    def complete(self) -> int:
        return self.received - self.incomplete


def _figures(key: ColumnElement | None = None) -> list:
    columns = [func.count(S.id), func.coalesce(func.sum(case((S.complete.is_(False), 1),
                                                             else_=0)), 0),
               func.coalesce(func.sum(case((S.handover_date.is_(None), 1), else_=0)), 0)]
    return [key, *columns] if key is not None else columns


def get_member_or_404(member_id: int, user) -> Member:  # noqa: ANN001
    member = db.session.get(Member, member_id)
    if member is None or not can_view_member(user, member):
        abort(404)
    return member


def get_statement_or_404(member: Member, statement_id: int) -> DeviceStatement:
    statement = db.session.get(DeviceStatement, statement_id)
    if statement is None or statement.member_id != member.id:
        abort(404)
    return statement


def by_month(member_id: int) -> list[Figures]:
    """Every month with statements, newest first."""
    query = (select(*_figures(S.month)).where(S.member_id == member_id)
             .group_by(S.month).order_by(S.month.desc()))
    return [Figures(*row) for row in db.session.execute(query)]


def by_family(member_id: int, month: str | None = None) -> list[Figures]:
    query = select(*_figures(S.device_family)).where(S.member_id == member_id)
    if month:
        query = query.where(S.month == month)
    rows = db.session.execute(query.group_by(S.device_family).order_by(S.device_family))
    return [Figures(*row) for row in rows]


def _listed(member_id: int, month: str | None, incomplete_only: bool):
    query = select(S).where(S.member_id == member_id)
    if month:
        query = query.where(S.month == month)
    if incomplete_only:
        query = query.where(S.complete.is_(False))
    return query


def statements_page(member_id: int, *, month: str | None, incomplete_only: bool,
                    page: int) -> tuple[list[DeviceStatement], int]:
    """One page of statements (newest delivery first) and how many match in all."""
    query = _listed(member_id, month, incomplete_only)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(S.month.desc(), S.delivery_date.desc(),
                                             S.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return list(rows), total


def all_statements(member_id: int, month: str | None) -> Iterator[DeviceStatement]:
    """Every statement for the CSV, read in chunks."""
    query = _listed(member_id, month, False).order_by(S.month, S.delivery_date, S.id)
    yield from db.session.scalars(query.execution_options(yield_per=1000))


def first_month(today: date, months: int = 12) -> str:
    """The first of the last ``months`` calendar months, this one included ("2025-12")."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_months(member_id: int, today: date) -> Figures:
    """The last 12 months' figures (by the register's month)."""
    since = first_month(today)
    row = db.session.execute(select(*_figures()).where(
        S.member_id == member_id, S.month >= since)).one()
    return Figures(since, *row)


def incomplete_sample(member_id: int, today: date, size: int = 5) -> list[DeviceStatement]:
    """The newest incomplete statements of the last 12 months."""
    return list(db.session.scalars(select(S).where(
        S.member_id == member_id, S.month >= first_month(today), S.complete.is_(False))
        .order_by(S.month.desc(), S.id.desc()).limit(size)))


def members_with_counts(user) -> list[tuple[Member, int, int]]:  # noqa: ANN001
    """The members this user may see, with their statements and incomplete ones."""
    counts = (select(S.member_id, func.count(S.id).label("n"),
                     func.coalesce(func.sum(case((S.complete.is_(False), 1), else_=0)), 0)
                     .label("bad")).group_by(S.member_id).subquery())
    query = (select(Member, func.coalesce(counts.c.n, 0), func.coalesce(counts.c.bad, 0))
             .outerjoin(counts, counts.c.member_id == Member.id).order_by(Member.code))
    ids = visible_member_ids(user)
    if ids is not None:
        query = query.where(Member.id.in_(ids))
    return [(member, n, bad) for member, n, bad in db.session.execute(query)]
