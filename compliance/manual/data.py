"""A manual version as read from its files: frozen dataclasses, and the fingerprints
(content hash, text hash) a database keeps of them. Pure: no Flask, no database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from compliance.manual.fields import BASES, LANGUAGES, Texts
from compliance.manual.key_map import KeyMapEntry, maps_to
from compliance.manual.retention import RetentionRow

__all__ = ["BASES", "CRITICALITIES", "LANGUAGES", "ChapterData", "ManualData",
           "RequirementData", "Texts"]
CRITICALITIES = ("major", "minor")


@dataclass(frozen=True)
class RequirementData:
    key: str
    title: Texts
    guidance: Texts
    evidence: Texts
    references: tuple[str, ...]
    criticality: str
    applies_to: tuple[str, ...]
    period_months: int | None = None
    basis: str | None = None  # law, standard or good_practice (required from format 2)
    retention: tuple[str, ...] = ()  # keys of rows of the manual's retention table

    @property
    def text_hash(self) -> str:
        """Changes when what a member reads changes, so carried-over answers get flagged."""
        return sha256([self.title, self.guidance, self.evidence, list(self.references)])


@dataclass(frozen=True)
class ChapterData:
    key: str
    title: Texts
    intro: Texts | None
    requirements: tuple[RequirementData, ...]


@dataclass(frozen=True)
class ManualData:
    key: str
    version: str
    published: date | None
    title: Texts
    chapters: tuple[ChapterData, ...] = field(default=())
    format: int = 1
    previous: str | None = None
    release_notes: Texts | None = None
    key_map: tuple[KeyMapEntry, ...] = ()
    retention: tuple[RetentionRow, ...] = ()
    key_map_file: str | None = field(default=None, compare=False)  # for problems; not content

    @property
    def requirements(self) -> list[RequirementData]:
        return [r for chapter in self.chapters for r in chapter.requirements]

    @property
    def requirement_keys(self) -> list[str]:
        return [r.key for r in self.requirements]

    @property
    def content_hash(self) -> str:
        """A fingerprint of the content; fields a manual does not use leave it unchanged.

        New fields are left out of the hashed data while they are empty, so a manual
        written before they existed keeps the hash databases already hold.
        """
        return sha256(_hashable(self))

    def maps_to(self, old_key: str) -> tuple[str, ...]:
        """The keys of this version that carry on the previous version's ``old_key``
        (see ``key_map.maps_to``)."""
        return maps_to(self.key_map, old_key, self.requirement_keys)


_NEW_MANUAL_FIELDS = {"format": 1, "previous": None, "release_notes": None, "key_map": (),
                      "retention": ()}
_NEW_REQUIREMENT_FIELDS = {"basis": None, "retention": ()}


def _hashable(manual: ManualData) -> dict[str, Any]:
    data = asdict(manual)
    data.pop("key_map_file", None)
    for entry in data["key_map"]:
        entry.pop("line", None)
    for name, empty in _NEW_MANUAL_FIELDS.items():
        if data.get(name) in (empty, None, (), []):
            data.pop(name)
    for chapter in data["chapters"]:
        for requirement in chapter["requirements"]:
            for name, empty in _NEW_REQUIREMENT_FIELDS.items():
                if requirement.get(name) in (empty, None, (), []):
                    requirement.pop(name)
    return data


def sha256(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
