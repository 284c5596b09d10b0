"""Taking a backup, restoring it, and checking what was restored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, table

from compliance.audit import ChainCheck, verify_chain
from compliance.backup import database
from compliance.backup.files import copy_evidence, file_sha256, folder_is_empty
from compliance.backup.manifest import BackupError, Manifest
from compliance.evidence.models import Evidence
from compliance.evidence.stores import (
    DatabaseStore,
    content_hash,
    copy_into_database,
    evidence_store,
)
from compliance.extensions import db

EVIDENCE_FOLDER = "evidence"


def evidence_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def _version() -> str:
    try:
        return metadata.version("compliance")
    except metadata.PackageNotFoundError:
        return "unknown"


def take_backup(folder: Path) -> Manifest:
    """Database first, then the files its evidence rows name, then the manifest.

    A file that the database names but EVIDENCE_DIR lacks is listed in the manifest's
    ``missing`` (the caller reports it); the backup is still written.
    """
    if not folder_is_empty(folder):
        raise BackupError(f"{folder} is not empty: back up into a new folder")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    started = datetime.now(UTC)
    copy = database.dump(db.engine, folder)
    if evidence_store().name == "database":  # the files are in the dump, with their rows
        copied, missing, changed = {}, [], []
    else:
        copied, missing, changed = copy_evidence(copy.evidence, evidence_root(),
                                                 folder / EVIDENCE_FOLDER)
    if changed:
        raise BackupError(f"{len(changed)} evidence file(s) in EVIDENCE_DIR no longer match "
                          f"their SHA-256, e.g. {changed[0]}: the store is damaged; "
                          f"{folder} is incomplete (no manifest)")
    dump_file = folder / copy.file
    manifest = Manifest(
        created_at=started.isoformat(timespec="seconds"), application=_version(),
        dialect=db.engine.dialect.name, database_file=copy.file,
        database_sha256=file_sha256(dump_file), database_bytes=dump_file.stat().st_size,
        schema_revision=copy.revision, rows=copy.rows, evidence=copied, missing=missing)
    manifest.write(folder)
    return manifest


@dataclass
class RestoreCheck:
    evidence_rows: int = 0
    problems: list[str] = field(default_factory=list)
    chain: ChainCheck | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def restore_backup(folder: Path) -> tuple[Manifest, RestoreCheck]:
    """Restore into an empty database and an empty EVIDENCE_DIR (else nothing is changed),
    then check the result (see :func:`check_restore`)."""
    manifest = Manifest.read(folder)
    _check_backup_files(folder, manifest)
    tables = database.existing_tables(db.engine)
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables, e.g. "
                          f"{sorted(tables)[0]}): restore into a new, empty database")
    if not folder_is_empty(evidence_root()):
        raise BackupError(f"EVIDENCE_DIR {evidence_root()} is not empty: restore into a new, "
                          "empty folder")
    database.restore(db.engine, manifest.dialect, folder, manifest.database_file)
    store = evidence_store()
    if isinstance(store, DatabaseStore):  # a folder install's backup, restored into one
        moved = copy_into_database(store, folder / EVIDENCE_FOLDER, sorted(manifest.evidence))
        missing, changed = moved.missing, moved.changed
    else:
        _copied, missing, changed = copy_evidence(sorted(manifest.evidence),
                                                  folder / EVIDENCE_FOLDER, evidence_root())
    if missing or changed:
        raise BackupError(f"the backup's evidence folder lost or changed "
                          f"{len(missing) + len(changed)} file(s) since it was written, "
                          f"e.g. {(missing + changed)[0]}")
    db.session.remove()
    return manifest, check_restore(manifest)


def _check_backup_files(folder: Path, manifest: Manifest) -> None:
    dump_file = folder / manifest.database_file
    if not dump_file.is_file():
        raise BackupError(f"{dump_file} is missing")
    if file_sha256(dump_file) != manifest.database_sha256:
        raise BackupError(f"{dump_file} does not match the SHA-256 in the manifest: the "
                          "backup was changed or damaged")


def check_restore(manifest: Manifest) -> RestoreCheck:
    """Every evidence row has its file with the right content, the tables hold the rows
    the manifest counted, and the audit chain is whole."""
    check = RestoreCheck()
    store = evidence_store()
    rows = db.session.execute(select(Evidence.id, Evidence.sha256, Evidence.size)
                              .order_by(Evidence.id)).all()
    check.evidence_rows = len(rows)
    hashed: dict[str, str] = {}  # a file shared by several rows is read once
    for evidence_id, sha256, size in rows:
        stored_size = store.size(sha256)
        if stored_size is None:
            check.problems.append(f"evidence {evidence_id} has no file ({sha256})")
            continue
        if sha256 not in hashed:
            hashed[sha256] = content_hash(store, sha256)
        if hashed[sha256] != sha256 or stored_size != size:
            check.problems.append(f"evidence {evidence_id}: the file {sha256} does not "
                                  "match its SHA-256 or size")
    expected = dict(manifest.rows)
    if manifest.evidence and isinstance(store, DatabaseStore):
        # A folder install's files, restored into the database store, add these rows.
        for name in ("evidence_blob", "evidence_chunk"):
            expected.pop(name, None)
    check.problems += _count_differences(expected)
    check.chain = verify_chain()
    if not check.chain.ok:
        check.problems.append(f"audit chain broken at event {check.chain.bad_id}: "
                              f"{check.chain.reason}")
    return check


def _count_differences(expected: dict[str, int]) -> list[str]:
    problems = []
    for name, count in sorted(expected.items()):
        found = db.session.scalar(select(func.count()).select_from(table(name)))
        if found != count:
            problems.append(f"table {name} has {found} rows, the backup had {count}")
    return problems
