"""Only one reminder pass at a time, across processes and machines.

PostgreSQL: a session advisory lock held on a connection of its own for the whole pass.
SQLite (one machine): an exclusive ``flock`` on a file next to the instance. Either is
released by the operating system or the database when the process dies, even by SIGKILL,
so a killed pass never leaves a lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import zlib
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from compliance.extensions import db


def lock_key(name: str) -> int:
    return zlib.crc32(f"compliance:{name}".encode())


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Wait until no other process holds ``name``, then hold it until the block ends."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key(name)})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                   {"key": lock_key(name)})
                connection.commit()
        return
    path = Path(current_app.instance_path) / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
