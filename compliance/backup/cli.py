"""compliance backup DIR | compliance restore DIR"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from compliance.backup.manifest import BackupError
from compliance.backup.services import restore_backup, take_backup
from compliance.extensions import db

FOLDER = click.Path(file_okay=False, path_type=Path)


def _size(count: float) -> str:
    if count < 1024:
        return f"{int(count)} bytes"
    for unit in ("kB", "MB", "GB"):
        count /= 1024
        if count < 1024 or unit == "GB":
            break
    return f"{count:.1f} {unit}"


@click.command("backup")
@click.argument("folder", type=FOLDER)
@with_appcontext
def backup_command(folder: Path) -> None:
    """Back up the database, then the evidence files, into a new folder.

    FOLDER must be new or empty. The database is copied first, then the evidence files
    it refers to, then manifest.json with their SHA-256. Safe while people are working.
    """
    try:
        manifest = take_backup(folder)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # a full disk, a folder this account may not write
        raise click.ClickException(f"{folder} is incomplete (no manifest): {exc}") from None
    click.echo(f"backup written to {folder}: {manifest.dialect} database "
               f"({sum(manifest.rows.values())} rows, {_size(manifest.database_bytes)}), "
               f"{len(manifest.evidence)} evidence files "
               f"({_size(sum(manifest.evidence.values()))})")
    if manifest.missing:
        raise click.ClickException(
            f"{len(manifest.missing)} evidence file(s) named by the database are missing "
            f"from EVIDENCE_DIR, e.g. {manifest.missing[0]} (listed in the manifest)")


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(folder: Path) -> None:
    """Restore a backup into an empty database and evidence folder, then check it.

    The backup in FOLDER goes into the database of DATABASE_URL and into EVIDENCE_DIR,
    both empty (else nothing is changed); then every evidence row's file, the row counts
    and the audit chain are checked.
    """
    try:
        manifest, check = restore_backup(folder)
    except (BackupError, OSError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored the {manifest.dialect} database of {manifest.created_at} "
               f"({sum(manifest.rows.values())} rows in {len(manifest.rows)} tables) and "
               f"{len(manifest.evidence)} evidence files")
    for problem in check.problems:
        click.echo(f"problem: {problem}", err=True)
    if not check.ok:
        raise click.ClickException(f"the restored copy failed {len(check.problems)} check(s)")
    click.echo(f"checked: {check.evidence_rows} evidence rows have their file with the right "
               f"SHA-256; the row counts are the backup's; the audit chain is whole "
               f"({check.chain.checked} events)")
    if manifest.schema_revision is not None:
        click.echo(f"schema revision {manifest.schema_revision}: run 'compliance db upgrade' "
                   "if this version of the application is newer than the backup")
