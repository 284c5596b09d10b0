"""What /healthz checks: each dependency the application needs to save anything.

Each check answers a small dict with ``ok`` and what it found; none of them raises.
The reasons are words for an operator, never a connection string or a password.
"""

from __future__ import annotations

import os
import smtplib
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import inspect, text

from compliance.evidence.housekeeping import probe_writable
from compliance.extensions import db

SMTP_TIMEOUT = 3


@cache
def schema_heads(directory: str) -> tuple[str, ...]:
    """The newest migration(s) shipped with this code (read once per process)."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def database() -> dict[str, Any]:
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        read_only = _read_only(connection)
        revision = None
        if inspect(connection).has_table("alembic_version"):
            revision = connection.execute(text("SELECT version_num FROM alembic_version")) \
                .scalar()
    except Exception as exc:  # any failure is the answer
        db.session.rollback()
        current_app.logger.warning("health: database: %s", exc)
        return {"ok": False, "error": "unreachable"}
    finally:
        db.session.rollback()
    heads = schema_heads(current_app.extensions["migrate"].directory)
    result: dict[str, Any] = {"ok": True, "revision": revision, "expected": list(heads)}
    if read_only:
        result.update(ok=False, error="read-only")
    elif revision not in heads:
        result.update(ok=False, error="schema not at the code's revision: run "
                                      "'compliance db upgrade'")
    return result


def _read_only(connection) -> bool:  # noqa: ANN001
    if connection.dialect.name == "postgresql":
        return connection.execute(text("SHOW transaction_read_only")).scalar() == "on"
    if connection.execute(text("PRAGMA query_only")).scalar():
        return True
    path = connection.engine.url.database
    return bool(path) and path != ":memory:" and Path(path).exists() and \
        not _writable(Path(path))


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def evidence_store() -> dict[str, Any]:
    try:
        probe_writable(Path(current_app.config["EVIDENCE_DIR"]))
    except OSError as exc:
        current_app.logger.warning("health: evidence folder: %s", exc)
        return {"ok": False, "error": "not writable"}
    # EVIDENCE_STORE=database: the files are in the database (checked above); uploads
    # are still received in this machine's folder.
    return {"ok": True, "store": current_app.config.get("EVIDENCE_STORE", "folder")}


def mail() -> dict[str, Any]:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return {"ok": True, "configured": False}  # digests go to the outbox folder
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]),
                          timeout=SMTP_TIMEOUT) as smtp:
            code, _ = smtp.noop()
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("health: mail server: %s", exc)
        return {"ok": False, "configured": True, "error": "unreachable"}
    if code != 250:
        return {"ok": False, "configured": True, "error": f"answered {code}"}
    return {"ok": True, "configured": True}


def health() -> tuple[dict[str, Any], int]:
    checks = {"database": database(), "evidence": evidence_store(), "mail": mail()}
    ok = all(check["ok"] for check in checks.values())
    return {"status": "ok" if ok else "failing", "checks": checks}, 200 if ok else 503
