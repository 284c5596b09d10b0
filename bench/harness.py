"""Shared by the benchmarks and the query-count tests: which SQL statements a block sends,
and what a view hands to its template."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import template_rendered
from sqlalchemy import event

from compliance.extensions import db


@contextmanager
def counting_queries(app) -> Iterator[list[str]]:  # noqa: ANN001
    """Every SQL statement sent to the database inside the block."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def rendered_context(app, client, url: str, template: str) -> tuple[dict[str, Any], str]:  # noqa: ANN001
    """GET ``url``; the context the view rendered ``template`` with, and the page."""
    seen: list[dict[str, Any]] = []

    def remember(sender, template, context, **extra):  # noqa: ANN001
        if template.name == wanted:
            seen.append(dict(context))

    wanted = template
    template_rendered.connect(remember, app)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        template_rendered.disconnect(remember, app)
    (context,) = seen
    return context, html
