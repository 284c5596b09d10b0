"""Evidence files on disk, content-addressed: EVIDENCE_DIR/ab/cd/<sha256>.

A file is kept once however many times it is uploaded; the original name is only
metadata in the database. An upload is first *received* into a temporary file of its own
(checked, hashed), then *placed* under its hash by an atomic rename, before any row
points to it. A request that is refused removes only its own temporary files, never a
placed file: another request may be about to record the same content. Placed files
that no row refers to are removed by the garbage collection alone
(:mod:`compliance.evidence.housekeeping`), after a grace period.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from compliance.evidence.filetypes import FileKind, RefusedFile, check_filename, detect

CHUNK = 1024 * 1024
HEAD = 16
#: Temporary files of uploads in progress, in EVIDENCE_DIR itself.
UPLOAD_PREFIX = ".upload-"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    filename: str
    kind: FileKind
    created: bool = False  # not there before this call


@dataclass(frozen=True)
class ReceivedFile:
    """An accepted upload in its temporary file, not yet under its hash."""

    temporary: Path
    sha256: str
    size: int
    filename: str
    kind: FileKind


def path_for(root: Path, sha256: str) -> Path:
    if not is_sha256(sha256):
        raise ValueError("not a SHA-256")
    return root / sha256[:2] / sha256[2:4] / sha256


def is_sha256(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def receive(root: Path, filename: str | None, stream: BinaryIO,
            max_bytes: int) -> ReceivedFile:
    """Check an upload into a temporary file; raises RefusedFile (leaving nothing) when
    refused."""
    name = check_filename(filename)
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=root, prefix=UPLOAD_PREFIX, delete=False) as tmp:
        try:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise RefusedFile("too_large", max_mb=max_bytes // (1024 * 1024))
                digest.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
            tmp.seek(0)
            head = tmp.read(HEAD)

            def read_all() -> bytes:
                tmp.seek(0)
                return tmp.read()

            kind = detect(name, head, read_all)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    return ReceivedFile(Path(tmp.name), digest.hexdigest(), size, name, kind)


def discard(received: ReceivedFile) -> None:
    """Remove an upload's own temporary file (never a placed file)."""
    received.temporary.unlink(missing_ok=True)


def place(root: Path, received: ReceivedFile) -> StoredFile:
    """Put a received file under its hash. The rename is atomic and always made, even
    when the same content is already there: the file's time then says it was just
    placed, which keeps the garbage collection's hands off it while the request that
    placed it has not committed yet."""
    target = path_for(root, received.sha256)
    created = not target.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(received.temporary, 0o440)
    os.replace(received.temporary, target)
    _sync_folder(target.parent)
    return StoredFile(received.sha256, received.size, received.filename, received.kind,
                      created)


def store(root: Path, filename: str | None, stream: BinaryIO, max_bytes: int) -> StoredFile:
    """Receive and place one upload; raises RefusedFile (and stores nothing) when refused."""
    return place(root, receive(root, filename, stream, max_bytes))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (the file's bytes were synced before)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


__all__ = ["ReceivedFile", "RefusedFile", "StoredFile", "discard", "path_for", "place",
           "receive", "store"]
