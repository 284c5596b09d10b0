"""compliance evidence gc | verify: looking after the evidence store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from compliance.evidence.housekeeping import collect_garbage
from compliance.evidence.models import Evidence
from compliance.evidence.stores import (
    DatabaseStore,
    copy_into_database,
    evidence_store,
    unreferenced_blobs,
    verify_store,
)
from compliance.extensions import db
from compliance.members.models import Member

evidence_cli = AppGroup("evidence", help="The evidence store.")


def _root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def _referenced() -> set[str]:
    return set(db.session.scalars(select(Evidence.sha256).distinct()))


def _still_referenced(sha256: str) -> bool:
    db.session.rollback()  # a fresh look: what was committed since
    return db.session.scalar(select(Evidence.id).where(Evidence.sha256 == sha256)
                             .limit(1)) is not None


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count} bytes"


@evidence_cli.command("gc")
@click.option("--apply", is_flag=True, help="Remove the files (without it: only list them).")
@click.option("--grace-hours", type=click.IntRange(min=1), default=None,
              help="Keep files younger than this (default: EVIDENCE_GC_GRACE_HOURS).")
def gc(apply: bool, grace_hours: int | None) -> None:
    """Remove stored files that no evidence refers to and that are older than the grace
    period (files of uploads still in progress are younger). A dry run by default."""
    hours = grace_hours or int(current_app.config["EVIDENCE_GC_GRACE_HOURS"])
    if evidence_store().name == "database":
        _gc_database(apply, hours)
        return
    result = collect_garbage(_root(), referenced=_referenced,
                             still_referenced=_still_referenced,
                             grace_seconds=hours * 3600, apply=apply)
    verb = "removed" if apply else "would remove"
    for entry in result.removed:
        kind = entry.sha256 or f"temporary file {entry.path.name}"
        when = datetime.fromtimestamp(entry.mtime, UTC).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{verb}: {kind} ({_size(entry.size)}, stored {when} UTC)")
    for entry in result.kept_back:
        click.echo(f"kept: {entry.sha256} (an upload referred to it meanwhile)")
    summary = (f"{verb} {len(result.removed)} unreferenced file(s), {_size(result.size)}, "
               f"older than {hours} h")
    if not apply and result.removed:
        summary += "; run with --apply to remove them"
    click.echo(summary)


def _gc_database(apply: bool, hours: int) -> None:
    found = unreferenced_blobs(hours * 3600, apply=apply)
    verb = "removed" if apply else "would remove"
    for sha256, size, placed in found:
        click.echo(f"{verb}: {sha256} ({_size(size)}, stored "
                   f"{placed.astimezone(UTC):%Y-%m-%d %H:%M} UTC)")
    summary = (f"{verb} {len(found)} unreferenced file(s) from the database, "
               f"{_size(sum(row[1] for row in found))}, older than {hours} h")
    if not apply and found:
        summary += "; run with --apply to remove them"
    click.echo(summary)


@evidence_cli.command("verify")
def verify() -> None:
    """Re-hash every file that evidence refers to; exit 1 naming each missing or altered
    one."""
    owners: dict[str, list[str]] = {}
    for sha256, evidence_id, code in db.session.execute(
            select(Evidence.sha256, Evidence.id, Member.code).join(Member)
            .order_by(Evidence.sha256, Evidence.id)):
        owners.setdefault(sha256, []).append(f"evidence {evidence_id} of {code}")
    checked, problems = verify_store(evidence_store(), list(owners))
    for problem in problems:
        detail = f" (its content hashes to {problem.found})" if problem.found else ""
        click.echo(f"{problem.problem}: {problem.sha256}{detail}: "
                   f"{', '.join(owners[problem.sha256])}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} of {checked} stored evidence files are "
                                   "missing or altered")
    click.echo(f"evidence store whole: {checked} files re-hashed")


@evidence_cli.command("to-database")
def to_database() -> None:
    """Copy the files of the folder store (EVIDENCE_DIR) into the database, for an install
    switching to EVIDENCE_STORE=database (set it first). Each file is checked against its
    hash and committed on its own; running it again copies only what is missing. The
    folder is left as it is: remove it once `compliance evidence verify` passes."""
    store = evidence_store()
    if not isinstance(store, DatabaseStore):
        raise click.ClickException("EVIDENCE_STORE is not 'database': set it first, then "
                                   "run this to copy the folder's files into the database")
    moved = copy_into_database(store, _root(), sorted(_referenced()))
    click.echo(f"copied {len(moved.added)} file(s), {_size(moved.size)}, into the database; "
               f"{len(moved.already)} already there")
    problems = [f"missing from {_root()}: {sha}" for sha in moved.missing] + \
        [f"content does not match its name: {sha}" for sha in moved.changed]
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} file(s) could not be copied (above)")
