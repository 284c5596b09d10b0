"""Evidence files on disk, content-addressed: EVIDENCE_DIR/ab/cd/<sha256>.

A file is written once whatever how many times it is uploaded; the original name is
only metadata in the database. Writes go to a temporary file that is renamed into
place, so a half-written file is never visible under its hash.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from compliance.evidence.filetypes import FileKind, RefusedFile, check_filename, detect

CHUNK = 1024 * 1024
HEAD = 16


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    filename: str
    kind: FileKind
    created: bool = False  # written by this call (not already there)


def path_for(root: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256")
    return root / sha256[:2] / sha256[2:4] / sha256


def store(root: Path, filename: str | None, stream: BinaryIO, max_bytes: int) -> StoredFile:
    """Check and store an upload; raises RefusedFile (and stores nothing) when refused."""
    name = check_filename(filename)
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=root, prefix=".upload-", delete=False) as tmp:
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
    sha256 = digest.hexdigest()
    target = path_for(root, sha256)
    created = not target.exists()
    if created:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp.name, 0o440)
        os.replace(tmp.name, target)
    else:
        os.unlink(tmp.name)
    return StoredFile(sha256, size, name, kind, created)


__all__ = ["RefusedFile", "StoredFile", "path_for", "store"]
