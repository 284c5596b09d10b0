"""The database part of a backup.

PostgreSQL: one transaction exports its snapshot; `pg_dump --snapshot` dumps exactly that
snapshot while the same transaction reads the evidence hashes and the row counts, so the
list of files to copy is the dump's own. SQLite: the online backup API copies the file
consistently while others write, and the copy itself is then read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL

from compliance.backup.manifest import BackupError

PG_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
EVIDENCE_HASHES = "SELECT DISTINCT sha256 FROM evidence ORDER BY sha256"


@dataclass(frozen=True)
class DatabaseCopy:
    file: str
    revision: str | None
    rows: dict[str, int]
    evidence: list[str]  # the distinct SHA-256 the copy's evidence rows refer to


def existing_tables(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return inspect(conn).get_table_names()


def dump(engine: Engine, folder: Path) -> DatabaseCopy:
    if engine.dialect.name == "postgresql":
        return _pg_dump(engine, folder)
    return _sqlite_backup(engine, folder)


def restore(engine: Engine, dialect: str, folder: Path, file: str) -> None:
    if engine.dialect.name != dialect:
        raise BackupError(f"the backup is of a {dialect} database and DATABASE_URL names a "
                          f"{engine.dialect.name} one: restore into the same kind")
    if dialect == "postgresql":
        _pg_restore(engine, folder / file)
    else:
        _sqlite_restore(engine, folder / file)
    engine.dispose()  # connections opened before the restore saw an empty database


def _contents(conn: Connection) -> tuple[str | None, dict[str, int], list[str]]:
    tables = sorted(inspect(conn).get_table_names())
    rows = {t: conn.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables}
    revision = conn.scalar(text("SELECT version_num FROM alembic_version")) \
        if "alembic_version" in tables else None
    hashes = list(conn.scalars(text(EVIDENCE_HASHES))) if "evidence" in tables else []
    return revision, rows, hashes


# --- PostgreSQL --------------------------------------------------------------------------

def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump/pg_restore, and an environment carrying the password (never on
    the command line, where `ps` would show it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools "
                          "(postgresql-client, the server's major version or newer)")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{Path(command[0]).name} failed: "
                          f"{lines[0] if lines else f'exit status {done.returncode}'}")


def _pg_dump(engine: Engine, folder: Path) -> DatabaseCopy:
    target, env = _libpq(engine.url)
    pg_dump = _tool("pg_dump")
    connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with connection as conn, conn.begin():
        snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", f"--file={folder / PG_FILE}", target], env)
        revision, rows, hashes = _contents(conn)
    return DatabaseCopy(PG_FILE, revision, rows, hashes)


def _pg_restore(engine: Engine, path: Path) -> None:
    target, env = _libpq(engine.url)
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={target}", str(path)], env)


# --- SQLite ------------------------------------------------------------------------------

def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("DATABASE_URL names an in-memory SQLite database: nothing to back up")
    return Path(database)


def _sqlite_backup(engine: Engine, folder: Path) -> DatabaseCopy:
    target = folder / SQLITE_FILE
    raw = engine.raw_connection()
    copy = sqlite3.connect(target)
    try:
        raw.driver_connection.backup(copy)  # in one step: one consistent read
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        tables = [r[0] for r in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        rows = {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in sorted(tables)}
        revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] \
            if "alembic_version" in tables else None
        hashes = [r[0] for r in copy.execute(EVIDENCE_HASHES)] if "evidence" in tables else []
    finally:
        copy.close()
        raw.close()
    return DatabaseCopy(SQLITE_FILE, revision, rows, hashes)


def _sqlite_restore(engine: Engine, path: Path) -> None:
    target = _sqlite_path(engine)
    target.parent.mkdir(parents=True, exist_ok=True)
    engine.dispose()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    restored = sqlite3.connect(target)
    try:
        source.backup(restored)
    finally:
        restored.close()
        source.close()
