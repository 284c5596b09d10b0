"""Copying evidence files by their SHA-256, checking each one's content on the way."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from compliance.evidence.storage import path_for

CHUNK = 1024 * 1024


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_file(source: Path, target: Path) -> tuple[str, int]:
    """Copy through a temporary file renamed into place (fsynced); returns the content's
    SHA-256 and size as read."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as src, tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=".copy-", delete=False) as tmp:
        try:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    os.chmod(tmp.name, 0o440)
    os.replace(tmp.name, target)
    return digest.hexdigest(), size


def copy_evidence(hashes: list[str], source_root: Path, target_root: Path
                  ) -> tuple[dict[str, int], list[str], list[str]]:
    """Copy the files of ``hashes``; returns {sha256: bytes} copied, the hashes with no
    file, and the hashes whose file's content no longer matches its name (not copied)."""
    copied: dict[str, int] = {}
    missing: list[str] = []
    changed: list[str] = []
    for sha256 in hashes:
        source = path_for(source_root, sha256)
        if not source.is_file():
            missing.append(sha256)
            continue
        target = path_for(target_root, sha256)
        actual, size = copy_file(source, target)
        if actual != sha256:
            target.unlink()
            changed.append(sha256)
            continue
        copied[sha256] = size
    return copied, missing, changed


def folder_is_empty(root: Path) -> bool:
    return not root.exists() or not any(root.iterdir())
