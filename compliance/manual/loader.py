"""Read and validate a quality manual from its YAML files (see docs/manual-format.md).

Pure: no Flask, no database. ``read_manual`` returns one manual version as frozen
dataclasses together with every problem found; ``read_manuals`` reads a folder of version
subfolders (oldest first) and checks each version's key map against the version before
it; ``check_key_map`` checks a key map against any earlier version's keys (for example
one already in the database). A manual with problems is never imported.

This module reads manual.yaml, the chapters and the requirements; the retention table is
read in ``retention``, the key map and its rules are in ``key_map``, the dataclasses in
``data``. Every name callers use is importable from here.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from compliance.manual.data import (
    BASES,
    CRITICALITIES,
    LANGUAGES,
    ChapterData,
    ManualData,
    RequirementData,
    Texts,
)
from compliance.manual.key_map import (
    MAP_KINDS,
    KeyMapEntry,
    KeyMapReading,
    check_key_map,
)
from compliance.manual.problems import ManualInvalid, Problem
from compliance.manual.retention import RetentionReading, RetentionRow
from compliance.manual.yaml_lines import LineDict, LineList
from compliance.profile import ACTIVITY_FLAGS, ALL

__all__ = [
    "BASES", "CRITICALITIES", "LANGUAGES", "MAP_KINDS", "ChapterData", "KeyMapEntry",
    "ManualData", "ManualInvalid", "Problem", "RequirementData", "RetentionRow", "Texts",
    "check_key_map", "is_versions_folder", "load_manual", "load_manuals", "read_manual",
    "read_manuals", "read_versions", "version_order",
]

FORMATS = (1, 2)
MANIFEST = "manual.yaml"
MANUAL_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$")
CHAPTER_KEY = re.compile(r"^[A-Z]{2,8}$")
MANUAL_FIELDS = {"key", "version", "published", "title", "chapters", "format", "previous",
                 "release_notes", "retention", "key_map"}
CHAPTER_FIELDS = {"key", "title", "intro", "requirements"}
REQUIREMENT_FIELDS = {
    "key", "title", "guidance", "evidence", "references", "criticality", "applies_to",
    "period_months", "basis", "retention",
}


def load_manual(path: str | Path) -> ManualData:
    manual, problems = read_manual(path)
    if problems or manual is None:
        raise ManualInvalid(problems)
    return manual


def read_manual(path: str | Path) -> tuple[ManualData | None, list[Problem]]:
    """One version: a folder with manual.yaml, or the manual.yaml itself.

    A folder of version subfolders (see ``read_manuals``) gives its newest version, after
    checking every version and key map in it.
    """
    path = Path(path)
    if is_versions_folder(path):
        manuals, problems = read_manuals(path)
        return (manuals[-1] if manuals and not problems else None), problems
    reader = _Reader(path)
    manual = reader.read()
    if manual is not None and not reader.problems:
        reader.problems.extend(check_key_map(manual))
    return (None if reader.problems else manual), reader.problems


def read_versions(path: str | Path) -> tuple[list[ManualData], list[Problem]]:
    """Every version of a folder of versions (``read_manuals``), or the one version at
    ``path`` (``read_manual``) as a list of one."""
    if is_versions_folder(Path(path)):
        return read_manuals(path)
    manual, problems = read_manual(path)
    return ([manual] if manual is not None and not problems else []), problems


def load_manuals(path: str | Path) -> list[ManualData]:
    manuals, problems = read_manuals(path)
    if problems:
        raise ManualInvalid(problems)
    return manuals


def read_manuals(path: str | Path) -> tuple[list[ManualData], list[Problem]]:
    """Every version in a folder of version subfolders (each with manual.yaml), oldest first.

    Each version's key map is checked against the version it names as ``previous``, which
    must be in the same folder. With any problem the list is empty.
    """
    root = Path(path)
    if not is_versions_folder(root):
        return [], [Problem(str(root), None,
                            "no manual versions here: expected subfolders with " + MANIFEST)]
    problems: list[Problem] = []
    manuals: list[ManualData] = []
    for folder in sorted((p for p in root.iterdir() if (p / MANIFEST).is_file()),
                         key=lambda p: version_order(p.name)):
        reader = _Reader(folder, names_from=root)
        manual = reader.read()
        problems.extend(reader.problems)
        if manual is not None and not reader.problems:
            manuals.append(manual)
    if problems:
        return [], problems
    manuals.sort(key=lambda m: version_order(m.version))
    by_version: dict[str, ManualData] = {}
    for manual in manuals:
        where = f"{_folder_name(root, manual)}/{MANIFEST}"
        if manuals[0].key != manual.key:
            problems.append(Problem(where, None, f"manual key {manual.key!r} differs from "
                                    f"{manuals[0].key!r}: one folder holds one manual"))
        if manual.version in by_version:
            problems.append(Problem(where, None, f"version {manual.version} appears twice"))
        if manual.previous is not None:
            earlier = by_version.get(manual.previous)
            if earlier is None:
                problems.append(Problem(where, None, f"previous version {manual.previous} is "
                                        "not an older version in this folder"))
            else:
                problems.extend(check_key_map(manual, earlier.requirement_keys))
        else:
            problems.extend(check_key_map(manual))
        by_version[manual.version] = manual
    return ([] if problems else manuals), problems


def is_versions_folder(path: Path) -> bool:
    return path.is_dir() and not (path / MANIFEST).exists() and any(
        (child / MANIFEST).is_file() for child in path.iterdir() if child.is_dir())


def version_order(version: str) -> tuple:
    """Sorts versions as people read them: 2026.2 before 2026.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"[.\-]", version))


def _folder_name(root: Path, manual: ManualData) -> str:
    for child in root.iterdir():
        if child.is_dir() and child.name == manual.version:
            return f"{root.name}/{child.name}"
    return f"{root.name}/{manual.version}"


class _Reader(RetentionReading, KeyMapReading):
    """Walks the files of one version once, collecting problems instead of stopping at
    the first."""

    def __init__(self, path: Path, names_from: Path | None = None):
        root = path if path.is_dir() else path.parent
        super().__init__(root, (names_from or root).parent)
        self.manifest = path / MANIFEST if path.is_dir() else path
        self.format = 1
        self.chapter_keys: dict[str, str] = {}
        self.requirement_keys: dict[str, str] = {}

    # -- the manual -----------------------------------------------------------------
    def read(self) -> ManualData | None:
        if not self.manifest.exists():
            self.problem(str(self.manifest), None,
                         f"no manual here: expected a folder with {MANIFEST}")
            return None
        doc = self._parse(self.manifest)
        if doc is None:
            return None
        name = self._name(self.manifest)
        self._unknown_fields(doc, MANUAL_FIELDS, name)
        key = self._text(doc, "key", name, pattern=MANUAL_KEY,
                         hint="lower case letters, digits and '-'")
        version = self._version(doc, name)
        published = doc.get("published")
        if published is not None and not isinstance(published, date):
            self.problem(name, doc.key_lines["published"], "published must be a date YYYY-MM-DD")
            published = None
        title = self._texts(doc, "title", name, None)
        self.format = self._format(doc, name)
        previous = self._previous(doc, name, version)
        release_notes = (self._texts(doc, "release_notes", name, None)
                         if "release_notes" in doc else None)
        retention = self._retention(doc, name)
        chapters = tuple(c for c in self._chapters(doc, name) if c is not None)
        key_map, key_map_file = self._key_map(doc, name, previous)
        if self.problems:
            return None
        return ManualData(key, version, published, title, chapters, format=self.format,
                          previous=previous, release_notes=release_notes, key_map=key_map,
                          retention=retention, key_map_file=key_map_file)

    # -- format, previous version, retention table, key map ---------------------------
    def _format(self, doc: LineDict, name: str) -> int:
        value = doc.get("format", 1)
        if isinstance(value, bool) or value not in FORMATS:
            self.problem(name, doc.key_lines["format"],
                         f"format {value!r} is not known: use 1 or 2")
            return 1
        return value

    def _previous(self, doc: LineDict, name: str, version: str) -> str | None:
        if "previous" not in doc:
            return None
        value = doc.get("previous")
        line = doc.key_lines["previous"]
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.problem(name, line, f'previous must be text in quotes, e.g. previous: "{value}"')
            return None
        value = self._text(doc, "previous", name, pattern=VERSION,
                           hint="letters, digits, '.' and '-'")
        if value and value == version:
            self.problem(name, line, "previous names this very version")
            return None
        return value or None

    # -- chapters and requirements ---------------------------------------------------
    def _version(self, doc: LineDict, name: str) -> str:
        value = doc.get("version")
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.problem(name, doc.key_lines["version"],
                         f'version must be text in quotes, e.g. version: "{value}"')
            return ""
        return self._text(doc, "version", name, pattern=VERSION,
                          hint="letters, digits, '.' and '-'")

    def _chapters(self, doc: LineDict, name: str):
        files = doc.get("chapters")
        if not isinstance(files, LineList) or not files:
            self.problem(name, doc.key_lines.get("chapters", doc.line),
                         "chapters must list the chapter files")
            return
        seen: set[str] = set()
        for file, line in zip(files, files.item_lines, strict=True):
            if not isinstance(file, str) or not file.endswith((".yaml", ".yml")) or "/" in file \
                    or "\\" in file or file.startswith("."):
                self.problem(name, line, f"{file!r} is not a chapter file name in this folder")
                continue
            if file in seen:
                self.problem(name, line, f"chapter file {file} is listed twice")
                continue
            seen.add(file)
            if not (self.root / file).is_file():
                self.problem(name, line, f"chapter file {file} does not exist")
                continue
            yield self._chapter(self.root / file)

    def _chapter(self, path: Path) -> ChapterData | None:
        doc = self._parse(path)
        if doc is None:
            return None
        name = self._name(path)
        self._unknown_fields(doc, CHAPTER_FIELDS, name)
        key = self._text(doc, "key", name, pattern=CHAPTER_KEY, hint="2 to 8 capital letters")
        if key:
            if key in self.chapter_keys:
                self.problem(name, doc.key_lines["key"],
                             f"duplicate chapter key {key} (also in {self.chapter_keys[key]})")
            self.chapter_keys.setdefault(key, name)
        title = self._texts(doc, "title", name, key)
        intro = self._texts(doc, "intro", name, key) if "intro" in doc else None
        items = doc.get("requirements")
        if not isinstance(items, LineList) or not items:
            self.problem(name, doc.key_lines.get("requirements", doc.line),
                         "requirements must list at least one requirement", key)
            return None
        requirements = [self._requirement(item, line, name, key)
                        for item, line in zip(items, items.item_lines, strict=True)]
        return ChapterData(key, title, intro, tuple(r for r in requirements if r is not None))

    def _requirement(self, doc: Any, line: int, name: str, chapter: str) -> RequirementData | None:
        if not isinstance(doc, LineDict):
            self.problem(name, line, "a requirement must be a mapping of fields")
            return None
        for dup, dup_line in doc.duplicate_keys:
            self.problem(name, dup_line, f"field {dup!r} appears twice")
        pattern = re.compile(rf"^{re.escape(chapter)}-\d{{2,3}}$") if chapter else None
        key = self._text(doc, "key", name, pattern=pattern,
                         hint=f"{chapter}- followed by two or three digits")
        label = key or f"requirement at line {doc.line}"
        if key:
            if key in self.requirement_keys:
                self.problem(name, doc.key_lines["key"],
                             f"duplicate requirement key (first in {self.requirement_keys[key]})",
                             key)
            self.requirement_keys.setdefault(key, f"{name}:{doc.key_lines['key']}")
        self._unknown_fields(doc, REQUIREMENT_FIELDS, name, label)
        return RequirementData(
            key=key,
            title=self._texts(doc, "title", name, label),
            guidance=self._texts(doc, "guidance", name, label),
            evidence=self._texts(doc, "evidence", name, label),
            references=self._references(doc, name, label),
            criticality=self._criticality(doc, name, label),
            applies_to=self._applies_to(doc, name, label),
            period_months=self._period(doc, name, label),
            basis=self._basis(doc, name, label, required=self.format >= 2),
            retention=self._row_refs(doc, name, label),
        )

    # -- fields of a requirement ------------------------------------------------------
    def _criticality(self, doc: LineDict, name: str, key: str) -> str:
        value = doc.get("criticality")
        line = doc.key_lines.get("criticality", doc.line)
        if value not in CRITICALITIES:
            self.problem(name, line,
                         "criticality is missing: use major or minor" if value is None
                         else f"unknown criticality {value!r}: use major or minor", key)
            return ""
        return value

    def _applies_to(self, doc: LineDict, name: str, key: str) -> tuple[str, ...]:
        value = doc.get("applies_to", [ALL])
        line = doc.key_lines.get("applies_to", doc.line)
        if value == ALL:
            return ()
        if not isinstance(value, list) or not value:
            self.problem(name, line, "applies_to must list activity flags, or [all]", key)
            return ()
        flags = []
        for flag in value:
            if flag == ALL:
                if len(value) > 1:
                    self.problem(name, line, "applies_to: 'all' cannot be combined with flags", key)
            elif flag not in ACTIVITY_FLAGS:
                self.problem(name, line,
                             f"unknown applicability flag {flag!r}; use one of "
                             f"{', '.join(sorted(ACTIVITY_FLAGS))} or all", key)
            elif flag not in flags:
                flags.append(flag)
        return tuple(flags)

    def _period(self, doc: LineDict, name: str, key: str) -> int | None:
        return self._whole_number(doc, "period_months", name, key, 1, 120, "months")
