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


def worker_database(database_url: str, worker: str) -> str:
    """The PostgreSQL database of one pytest-xdist worker: the tests' database's name with
    the worker's (test_gw0), created if it does not exist yet; kept for the next run."""
    url = make_url(database_url)
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                            {"name": name}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)
