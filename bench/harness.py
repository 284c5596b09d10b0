"""Shared by the benchmarks and the query-count tests: which SQL statements a block sends,
and what a view hands to its template."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, template_rendered
from sqlalchemy import event

from compliance import create_app
from compliance.extensions import db


def build_app(instance: Path, **config: Any) -> Flask:
    """The application on a fresh SQLite file in ``instance``, schema created, cheap
    password hashing (the benchmarks measure pages, not Argon2)."""
    app = create_app({"TESTING": True, "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 8,
                                                             "parallelism": 1}, **config},
                     environ={"COMPLIANCE_ENV": "development", "COMPLIANCE_INSTANCE": str(instance),
                              "DATABASE_URL": f"sqlite:///{instance}/bench.db"})
    with app.app_context():
        db.create_all()
    return app


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
