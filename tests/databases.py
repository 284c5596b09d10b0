"""A new, empty database of the same kind as the tests' own: a file for SQLite, a
database of its own on the PostgreSQL server (named after the tests' one), dropped
afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def new_database(database_url: str, folder: Path) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{folder / f'new-{uuid.uuid4().hex[:8]}.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
