"""Where evidence files live, behind one interface: EVIDENCE_STORE=folder (the default:
EVIDENCE_DIR, content-addressed, :mod:`compliance.evidence.storage`) or
EVIDENCE_STORE=database (the bytes in the database itself, in 1 MiB chunks, so that every
web machine sees the same files and they ride on the database's replication, backups and
point-in-time recovery).

Either way an upload is first received into a temporary file in EVIDENCE_DIR (on this
machine), checked and hashed. The folder store then renames it under its hash; the
database store writes it inside the request's transaction, so a refused or failed
request leaves nothing behind, and two requests storing the same content keep one copy
(``ON CONFLICT DO NOTHING``: the second waits for the first's commit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from compliance.db import utcnow
from compliance.evidence import storage
from compliance.evidence.housekeeping import FileProblem, verify_files
from compliance.evidence.models import Evidence, EvidenceBlob, EvidenceChunk
from compliance.extensions import db

STORES = ("folder", "database")


class FolderStore:
    name = "folder"

    def __init__(self, root: Path):
        self.root = root

    def receive(self, filename: str | None, stream: BinaryIO,
                max_bytes: int) -> storage.ReceivedFile:
        return storage.receive(self.root, filename, stream, max_bytes)

    def place(self, received: storage.ReceivedFile) -> storage.StoredFile:
        return storage.place(self.root, received)

    def discard(self, received: storage.ReceivedFile) -> None:
        storage.discard(received)

    def local_path(self, sha256: str) -> Path | None:
        path = storage.path_for(self.root, sha256)
        return path if path.exists() else None

    def exists(self, sha256: str) -> bool:
        return self.local_path(sha256) is not None

    def size(self, sha256: str) -> int | None:
        """The stored content's size, None when it is not stored."""
        path = self.local_path(sha256)
        return path.stat().st_size if path is not None else None

    def chunks(self, sha256: str) -> Iterator[bytes]:
        with storage.path_for(self.root, sha256).open("rb") as handle:
            while chunk := handle.read(storage.CHUNK):
                yield chunk


class DatabaseStore(FolderStore):
    """The bytes in evidence_blob / evidence_chunk; EVIDENCE_DIR only holds uploads in
    progress on this machine."""

    name = "database"

    def place(self, received: storage.ReceivedFile) -> storage.StoredFile:
        try:
            created = self._insert(received)
        finally:
            storage.discard(received)
        return storage.StoredFile(received.sha256, received.size, received.filename,
                                  received.kind, created)

    def _insert(self, received: storage.ReceivedFile) -> bool:
        return self.add_file(received.sha256, received.size, received.temporary)

    def add_file(self, sha256: str, size: int, path: Path) -> bool:
        """Store the content of ``path`` (whose hash is ``sha256``) in the database, in
        the session's transaction; False when that content is already there."""
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        inserted = db.session.execute(
            dialect.insert(EvidenceBlob).values(sha256=sha256, size=size,
                                                placed_at=utcnow())
            .on_conflict_do_nothing().returning(EvidenceBlob.sha256)).first()
        if inserted is None:  # the same content is already stored (or being stored)
            db.session.execute(update(EvidenceBlob).where(
                EvidenceBlob.sha256 == sha256).values(placed_at=utcnow()))
            return False
        with path.open("rb") as handle:
            position = 0
            while chunk := handle.read(storage.CHUNK):
                db.session.execute(EvidenceChunk.__table__.insert().values(
                    sha256=sha256, position=position, data=chunk))
                position += 1
        return True

    def local_path(self, sha256: str) -> Path | None:
        return None

    def exists(self, sha256: str) -> bool:
        return self.size(sha256) is not None

    def size(self, sha256: str) -> int | None:
        return db.session.scalar(select(EvidenceBlob.size).where(EvidenceBlob.sha256 == sha256))

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The content, one chunk per query (a whole file is never held in memory)."""
        count = db.session.scalar(select(func.count(EvidenceChunk.position)).where(
            EvidenceChunk.sha256 == sha256))
        with db.engine.connect() as connection:
            for position in range(count or 0):
                yield connection.scalar(select(EvidenceChunk.data).where(
                    EvidenceChunk.sha256 == sha256, EvidenceChunk.position == position))


@dataclass
class Moved:
    """What :func:`copy_into_database` did, file by file (SHA-256 lists)."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    size: int = 0


def copy_into_database(store: DatabaseStore, source: Path, sha256s: list[str]) -> Moved:
    """Put the files of a folder store (an install switching to EVIDENCE_STORE=database,
    or a backup's evidence folder) into the database, each checked against its hash and
    committed on its own: an interrupted run is simply run again. The folder is left as
    it is."""
    moved = Moved()
    for sha256 in sha256s:
        if store.exists(sha256):
            moved.already.append(sha256)
            continue
        path = storage.path_for(source, sha256)
        if not path.is_file():
            moved.missing.append(sha256)
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(storage.CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            moved.changed.append(sha256)
            continue
        store.add_file(sha256, path.stat().st_size, path)
        db.session.commit()
        moved.added.append(sha256)
        moved.size += path.stat().st_size
    return moved


def evidence_store() -> FolderStore:
    """The configured store (EVIDENCE_STORE)."""
    root = Path(current_app.config["EVIDENCE_DIR"])
    if current_app.config.get("EVIDENCE_STORE", "folder") == "database":
        return DatabaseStore(root)
    return FolderStore(root)


def content_hash(store: FolderStore, sha256: str) -> str:
    digest = hashlib.sha256()
    for chunk in store.chunks(sha256):
        digest.update(chunk)
    return digest.hexdigest()


def verify_store(store: FolderStore, sha256s: list[str]) -> tuple[int, list[FileProblem]]:
    """Re-hash every referenced content in ``store``: how many were checked, the problems."""
    if not isinstance(store, DatabaseStore):
        return verify_files(store.root, sha256s)
    problems = []
    for sha256 in sha256s:
        if not store.exists(sha256):
            problems.append(FileProblem(sha256, "missing"))
        elif (found := content_hash(store, sha256)) != sha256:
            problems.append(FileProblem(sha256, "altered", found))
    return len(sha256s), problems


def unreferenced_blobs(grace_seconds: int, *, apply: bool) -> list[tuple[str, int, datetime]]:
    """Contents in the database that no evidence refers to, placed before the grace
    period (sha256, size, placed); removed when ``apply``. Evidence is written in the same
    transaction as its content, so these come only from rows removed by hand."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    found = db.session.execute(
        select(EvidenceBlob.sha256, EvidenceBlob.size, EvidenceBlob.placed_at)
        .where(EvidenceBlob.placed_at < cutoff,
               ~select(Evidence.id).where(Evidence.sha256 == EvidenceBlob.sha256).exists())
        .order_by(EvidenceBlob.placed_at)).all()
    if apply and found:
        names = [row.sha256 for row in found]
        db.session.execute(delete(EvidenceChunk).where(EvidenceChunk.sha256.in_(names)))
        db.session.execute(delete(EvidenceBlob).where(EvidenceBlob.sha256.in_(names)))
        db.session.commit()
    return [tuple(row) for row in found]
