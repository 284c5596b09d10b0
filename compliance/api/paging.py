"""Pagination: ``limit`` and an opaque ``cursor``; the answer carries ``next_cursor`` and
a ``Link: <...>; rel="next"`` header while more items follow."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from compliance.api.problems import problem
from compliance.extensions import db

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
PARAMETERS = [
    {"name": "limit", "in": "query", "required": False,
     "description": f"Items per page (default {DEFAULT_LIMIT}).",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}},
    {"name": "cursor", "in": "query", "required": False,
     "description": "The next_cursor of the previous page.", "schema": {"type": "string"}},
]


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None

    @property
    def next_url(self) -> str | None:
        if self.next_cursor is None:
            return None
        args = {**request.args.to_dict(), "cursor": self.next_cursor}
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def page_body(page: Page) -> dict[str, Any]:
    return {"items": page.items, "next_cursor": page.next_cursor}


def page_schema(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["items", "next_cursor"],
            "properties": {"items": {"type": "array", "items": item},
                           "next_cursor": {"type": ["string", "null"]}}}


def _bad(detail: object) -> Exception:
    return problem(400, _l("Bad request"), detail, kind="bad-parameter")


def _limit() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise _bad(_l("limit must be a whole number from 1 to %(max)d.", max=MAX_LIMIT))
    return int(raw)


def _cursor() -> int:
    raw = request.args.get("cursor")
    if raw is None:
        return 0
    try:
        value = base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4))
        number = int(value.decode("ascii").removeprefix("after:"))
    except (ValueError, UnicodeError, binascii.Error):
        raise _bad(_l("This cursor is not one this API gave.")) from None
    if number < 0 or not value.startswith(b"after:"):
        raise _bad(_l("This cursor is not one this API gave."))
    return number


def _encode(after: int) -> str:
    return base64.urlsafe_b64encode(f"after:{after}".encode()).decode().rstrip("=")


def page_of_query(query: Select, column: Any, serialize: Callable[[Any], Any]) -> Page:
    """Keyset pagination on a unique, increasing column (the id): stable while rows are
    added, one query per page."""
    limit, after = _limit(), _cursor()
    rows = list(db.session.scalars(query.where(column > after).order_by(column)
                                   .limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page([serialize(r) for r in rows],
                _encode(getattr(rows[-1], column.key)) if more else None)


def page_of_list(items: Sequence[Any], serialize: Callable[[Any], Any]) -> Page:
    """A list computed whole (deadlines, the requirements that apply): the cursor is a
    position in it."""
    limit, after = _limit(), _cursor()
    chosen = items[after:after + limit]
    more = after + limit < len(items)
    return Page([serialize(i) for i in chosen], _encode(after + limit) if more else None)
