"""manifest.json: what a backup holds, with the SHA-256 of every file. Written last, so a
folder without it is an interrupted backup."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT = "compliance-backup/1"
NAME = "manifest.json"


class BackupError(Exception):
    """The backup or restore cannot go on; the message names the problem."""


@dataclass
class Manifest:
    created_at: str
    application: str
    dialect: str  # "postgresql" or "sqlite"
    database_file: str
    database_sha256: str
    database_bytes: int
    schema_revision: str | None
    rows: dict[str, int]  # table → rows in the copy
    evidence: dict[str, int] = field(default_factory=dict)  # sha256 → bytes
    missing: list[str] = field(default_factory=list)  # referenced, but not in EVIDENCE_DIR
    format: str = FORMAT

    def write(self, folder: Path) -> None:
        partial = folder / f".{NAME}.partial"
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(asdict(self), out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, folder / NAME)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / NAME
        if not path.is_file():
            raise BackupError(f"{folder} has no {NAME}: it is not a backup, or the backup "
                              "was interrupted")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError(f"{path} is not a {FORMAT} manifest")
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise BackupError(f"{path} cannot be read: {exc}") from None
