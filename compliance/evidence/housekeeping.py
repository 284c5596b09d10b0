"""Looking after the evidence store: removing files no evidence refers to (garbage
collection) and re-hashing the ones it does (verification).

Removing is safe against uploads in progress. An upload places its file under its hash
(refreshing the file's time, see :func:`compliance.evidence.storage.place`) before its
row is committed, so a file is a candidate only when it is older than the grace period
and no row refers to it. A candidate is first renamed aside; then the database is asked
again and the file's time looked at again: a row committed meanwhile, or an upload that
placed the same content meanwhile, puts it back. An upload that places the content
after the rename simply writes a new copy. What is lost would need a request that
commits more than the grace period after placing its file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from compliance.evidence.storage import CHUNK, UPLOAD_PREFIX, is_sha256, path_for

#: Files the health check writes to prove the folder is writable (removed at once).
PROBE_PREFIX = ".health-"
TRASH_PREFIX = ".gc-"


@dataclass(frozen=True)
class StoredEntry:
    path: Path
    sha256: str | None  # None: an upload's or a health check's temporary file
    size: int
    mtime: float


@dataclass
class Collection:
    """What a garbage collection found, and removed when applied."""

    applied: bool
    removed: list[StoredEntry] = field(default_factory=list)
    kept_back: list[StoredEntry] = field(default_factory=list)  # saved by a late reference

    @property
    def size(self) -> int:
        return sum(entry.size for entry in self.removed)


def stored_entries(root: Path) -> Iterator[StoredEntry]:
    """Every file of the store: content files and temporary files."""
    if not root.exists():
        return
    for path in root.iterdir():
        if path.is_file() and path.name.startswith((UPLOAD_PREFIX, PROBE_PREFIX)):
            yield _entry(path, None)
    for path in root.glob("??/??/*"):
        if path.is_file() and is_sha256(path.name) and path == path_for(root, path.name):
            yield _entry(path, path.name)


def _entry(path: Path, sha256: str | None) -> StoredEntry:
    stat = path.stat()
    return StoredEntry(path, sha256, stat.st_size, stat.st_mtime)


def collect_garbage(root: Path, *, referenced: Callable[[], set[str]],
                    still_referenced: Callable[[str], bool], grace_seconds: float,
                    apply: bool, now: float | None = None) -> Collection:
    """Find (and with ``apply``, remove) the files older than the grace period that no
    evidence refers to, and temporary files left by interrupted uploads."""
    now = time.time() if now is None else now
    cutoff = now - grace_seconds
    if apply:
        restore_set_aside(root)
    known = referenced()
    result = Collection(applied=apply)
    for entry in stored_entries(root):
        if entry.mtime > cutoff or entry.sha256 in known:
            continue
        if not apply:
            result.removed.append(entry)
        elif entry.sha256 is None:
            entry.path.unlink(missing_ok=True)
            result.removed.append(entry)
        elif _remove_unless_claimed(root, entry, still_referenced, cutoff):
            result.removed.append(entry)
        else:
            result.kept_back.append(entry)
    return result


def _remove_unless_claimed(root: Path, entry: StoredEntry,
                           still_referenced: Callable[[str], bool], cutoff: float) -> bool:
    aside = root / f"{TRASH_PREFIX}{entry.sha256}-{secrets.token_hex(4)}"
    try:
        os.rename(entry.path, aside)
    except FileNotFoundError:
        return False
    if still_referenced(entry.sha256) or aside.stat().st_mtime > cutoff:
        if entry.path.exists():  # an upload placed it again meanwhile: same content
            aside.unlink()
        else:
            os.rename(aside, entry.path)
        return False
    aside.unlink()
    return True


def restore_set_aside(root: Path) -> None:
    """Put back what an interrupted collection had set aside but not yet removed."""
    for aside in root.glob(f"{TRASH_PREFIX}*") if root.exists() else ():
        sha256 = aside.name[len(TRASH_PREFIX):len(TRASH_PREFIX) + 64]
        if not is_sha256(sha256):
            continue
        target = path_for(root, sha256)
        if target.exists():
            aside.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(aside, target)


@dataclass(frozen=True)
class FileProblem:
    sha256: str
    problem: str  # "missing" or "altered"
    found: str | None = None  # the hash of an altered file's content


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_files(root: Path, sha256s: Iterable[str]) -> tuple[int, list[FileProblem]]:
    """Re-hash every referenced file; returns how many were checked and the problems."""
    checked, problems = 0, []
    for sha256 in sha256s:
        checked += 1
        path = path_for(root, sha256)
        if not path.is_file():
            problems.append(FileProblem(sha256, "missing"))
            continue
        found = file_hash(path)
        if found != sha256:
            problems.append(FileProblem(sha256, "altered", found))
    return checked, problems


def probe_writable(root: Path) -> None:
    """Write, sync and remove a small file in the store; raises OSError when it cannot."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{PROBE_PREFIX}{secrets.token_hex(8)}"
    try:
        with path.open("xb") as handle:
            handle.write(b"ok")
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        path.unlink(missing_ok=True)
