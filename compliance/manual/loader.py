"""Read and validate a quality manual from its YAML files (see docs/manual-format.md).

Pure: no Flask, no database. ``read_manual`` returns one manual version as frozen
dataclasses together with every problem found; ``read_manuals`` reads a folder of version
subfolders (oldest first) and checks each version's key map against the version before
it; ``check_key_map`` checks a key map against any earlier version's keys (for example
one already in the database). A manual with problems is never imported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from compliance.manual.yaml_lines import LineDict, LineList, load_yaml
from compliance.profile import ACTIVITY_FLAGS, ALL

LANGUAGES = ("fr", "nl", "en")
CRITICALITIES = ("major", "minor")
BASES = ("law", "standard", "good_practice")
MAP_KINDS = ("kept", "renamed", "merged", "split", "removed")
FORMATS = (1, 2)
MANIFEST = "manual.yaml"
MANUAL_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$")
CHAPTER_KEY = re.compile(r"^[A-Z]{2,8}$")
REQUIREMENT_KEY = re.compile(r"^[A-Z]{2,8}-\d{2,3}$")
ROW_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MANUAL_FIELDS = {"key", "version", "published", "title", "chapters", "format", "previous",
                 "release_notes", "retention", "key_map"}
RETENTION_FIELDS = {"key", "title", "period", "years", "years_implantable", "basis", "sources",
                    "note"}
KEY_MAP_FIELDS = {"old", "kind", "to", "note"}
CHAPTER_FIELDS = {"key", "title", "intro", "requirements"}
REQUIREMENT_FIELDS = {
    "key", "title", "guidance", "evidence", "references", "criticality", "applies_to",
    "period_months", "basis", "retention",
}
Texts = dict[str, str]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    key: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


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
        return _sha256([self.title, self.guidance, self.evidence, list(self.references)])


@dataclass(frozen=True)
class ChapterData:
    key: str
    title: Texts
    intro: Texts | None
    requirements: tuple[RequirementData, ...]


@dataclass(frozen=True)
class RetentionRow:
    """One row of the retention table: what is kept, how long, on what basis."""

    key: str
    title: Texts
    period: Texts
    years: int | None
    years_implantable: int | None
    basis: str
    sources: tuple[str, ...]
    note: Texts | None = None


@dataclass(frozen=True)
class KeyMapEntry:
    """How one key of the previous version lives on in this one."""

    old: str
    kind: str  # kept, renamed, merged, split or removed
    targets: tuple[str, ...] = ()
    note: Texts | None = None
    line: int | None = field(default=None, compare=False)  # where it is written; not content


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
        return _sha256(_hashable(self))

    def maps_to(self, old_key: str) -> tuple[str, ...]:
        """The keys of this version that carry on the previous version's ``old_key``.

        Kept (explicitly or by being present in both versions): the key itself; renamed or
        merged: the one target; split: every target; removed or unknown: nothing.
        """
        for entry in self.key_map:
            if entry.old == old_key:
                return (old_key,) if entry.kind == "kept" else entry.targets
        return (old_key,) if old_key in self.requirement_keys else ()


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


class ManualInvalid(Exception):
    """The manual has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"the manual has {len(problems)} problem(s)")


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
    if _is_versions_folder(path):
        manuals, problems = read_manuals(path)
        return (manuals[-1] if manuals and not problems else None), problems
    reader = _Reader(path)
    manual = reader.read()
    if manual is not None and not reader.problems:
        reader.problems.extend(check_key_map(manual))
    return (None if reader.problems else manual), reader.problems


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
    if not _is_versions_folder(root):
        return [], [Problem(str(root), None,
                            "no manual versions here: expected subfolders with " + MANIFEST)]
    problems: list[Problem] = []
    manuals: list[ManualData] = []
    for folder in sorted((p for p in root.iterdir() if (p / MANIFEST).is_file()),
                         key=lambda p: _version_order(p.name)):
        reader = _Reader(folder, names_from=root)
        manual = reader.read()
        problems.extend(reader.problems)
        if manual is not None and not reader.problems:
            manuals.append(manual)
    if problems:
        return [], problems
    manuals.sort(key=lambda m: _version_order(m.version))
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


def check_key_map(manual: ManualData, previous_keys: Iterable[str] | None = None
                  ) -> list[Problem]:
    """Problems with how ``manual`` maps the keys of its previous version.

    Without ``previous_keys`` only what needs no older version is checked (targets exist,
    the forms of each kind). With them, every old key must be accounted for: present in
    this version (kept) or mapped; each mapped key must exist in the older version; a key
    still present here cannot be renamed, merged or removed.
    """
    where = manual.key_map_file or MANIFEST
    problems: list[Problem] = []

    def problem(entry: KeyMapEntry | None, message: str, key: str | None = None) -> None:
        problems.append(Problem(where, entry.line if entry else None, message, key))

    new_keys = set(manual.requirement_keys)
    seen: dict[str, KeyMapEntry] = {}
    for entry in manual.key_map:
        if entry.old in seen:
            problem(entry, "mapped twice (first at line "
                    f"{seen[entry.old].line}): give each old key one entry", entry.old)
            continue
        seen[entry.old] = entry
        for target in entry.targets:
            if target not in new_keys:
                problem(entry, f"unknown target {target}: no such requirement in version "
                        f"{manual.version}", entry.old)
        if entry.kind == "kept" and entry.old not in new_keys:
            problem(entry, f"kept, but there is no requirement {entry.old} in version "
                    f"{manual.version}", entry.old)
        if entry.kind in ("renamed", "merged", "removed") and entry.old in new_keys:
            problem(entry, f"{entry.old} is still a requirement in version {manual.version}: "
                    f"a key in both versions is kept (or split into itself and others), "
                    f"never {entry.kind}", entry.old)
    if previous_keys is None:
        return problems
    old_keys = list(previous_keys)
    old_set = set(old_keys)
    for entry in seen.values():
        if entry.old not in old_set:
            problem(entry, f"unknown old key: version {manual.previous or 'before'} has no "
                    f"requirement {entry.old}", entry.old)
    for key in old_keys:
        if key not in seen and key not in new_keys:
            problem(None, f"unaccounted key: {key} of version {manual.previous or 'before'} "
                    f"is neither in version {manual.version} nor in its key map", key)
    return problems


def _is_versions_folder(path: Path) -> bool:
    return path.is_dir() and not (path / MANIFEST).exists() and any(
        (child / MANIFEST).is_file() for child in path.iterdir() if child.is_dir())


def _version_order(version: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"[.\-]", version))


def _folder_name(root: Path, manual: ManualData) -> str:
    for child in root.iterdir():
        if child.is_dir() and child.name == manual.version:
            return f"{root.name}/{child.name}"
    return f"{root.name}/{manual.version}"


def _sha256(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Reader:
    """Walks the files once, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path, names_from: Path | None = None):
        self.root = path if path.is_dir() else path.parent
        self.manifest = path / MANIFEST if path.is_dir() else path
        self.names_from = (names_from or self.root).parent
        self.problems: list[Problem] = []
        self.format = 1
        self.row_keys: set[str] | None = None
        self.chapter_keys: dict[str, str] = {}
        self.requirement_keys: dict[str, str] = {}

    # -- reporting ------------------------------------------------------------------
    def problem(self, file: str, line: int | None, message: str, key: str | None = None):
        self.problems.append(Problem(file, line, message, key))

    def _parse(self, path: Path) -> LineDict | None:
        name = self._name(path)
        if not path.is_file():
            self.problem(name, None, "no such file")
            return None
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            self.problem(name, None, "not UTF-8 text")
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = getattr(exc, "problem", None) or str(exc)
            self.problem(name, mark.line + 1 if mark else None, f"YAML syntax error: {reason}")
            return None
        if not isinstance(data, LineDict):
            self.problem(name, None, "the file must hold a mapping of fields")
            return None
        for dup, line in data.duplicate_keys:
            self.problem(name, line, f"field {dup!r} appears twice")
        return data

    def _name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.names_from))
        except ValueError:
            return str(path)

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

    def _side_file(self, doc: LineDict, field_name: str, name: str) -> tuple[Path | None, str]:
        file = doc.get(field_name)
        line = doc.key_lines[field_name]
        if not isinstance(file, str) or not file.endswith((".yaml", ".yml")) or "/" in file \
                or "\\" in file or file.startswith("."):
            self.problem(name, line, f"{field_name}: {file!r} is not a file name in this folder")
            return None, ""
        path = self.root / file
        if not path.is_file():
            self.problem(name, line, f"{field_name} file {file} does not exist")
            return None, ""
        return path, self._name(path)

    def _retention(self, doc: LineDict, name: str) -> tuple[RetentionRow, ...]:
        if "retention" not in doc:
            return ()
        self.row_keys = set()
        path, file = self._side_file(doc, "retention", name)
        if path is None:
            return ()
        data = self._parse(path)
        if data is None:
            return ()
        self._unknown_fields(data, {"rows"}, file)
        items = data.get("rows")
        if not isinstance(items, LineList) or not items:
            self.problem(file, data.key_lines.get("rows", data.line),
                         "rows must list at least one retention row")
            return ()
        rows = []
        for item, line in zip(items, items.item_lines, strict=True):
            if not isinstance(item, LineDict):
                self.problem(file, line, "a retention row must be a mapping of fields")
                continue
            for dup, dup_line in item.duplicate_keys:
                self.problem(file, dup_line, f"field {dup!r} appears twice")
            key = self._text(item, "key", file, pattern=ROW_KEY,
                             hint="lower case letters, digits and _")
            label = key or f"row at line {item.line}"
            if key in self.row_keys:
                self.problem(file, item.key_lines["key"], "duplicate retention row", key)
            self.row_keys.add(key)
            self._unknown_fields(item, RETENTION_FIELDS, file, label)
            rows.append(RetentionRow(
                key=key,
                title=self._texts(item, "title", file, label),
                period=self._texts(item, "period", file, label),
                years=self._years(item, "years", file, label),
                years_implantable=self._years(item, "years_implantable", file, label),
                basis=self._basis(item, file, label, required=True) or "",
                sources=self._references(item, file, label, field_name="sources"),
                note=self._texts(item, "note", file, label) if "note" in item else None,
            ))
        return tuple(rows)

    def _years(self, doc: LineDict, field_name: str, name: str, key: str) -> int | None:
        value = doc.get(field_name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
            self.problem(name, doc.key_lines[field_name],
                         f"{field_name} {value!r} must be a whole number of years, 1 to 100", key)
            return None
        return value

    def _key_map(self, doc: LineDict, name: str, previous: str | None
                 ) -> tuple[tuple[KeyMapEntry, ...], str | None]:
        if "key_map" not in doc:
            return (), None
        if previous is None:
            self.problem(name, doc.key_lines["key_map"],
                         "key_map needs previous: name the version whose keys it maps")
        path, file = self._side_file(doc, "key_map", name)
        if path is None:
            return (), None
        data = self._parse(path)
        if data is None:
            return (), file
        self._unknown_fields(data, {"keys"}, file)
        items = data.get("keys")
        if not isinstance(items, LineList):
            self.problem(file, data.key_lines.get("keys", data.line),
                         "keys must list the mapped keys of the previous version")
            return (), file
        entries = []
        for item, line in zip(items, items.item_lines, strict=True):
            entry = self._map_entry(item, line, file)
            if entry is not None:
                entries.append(entry)
        return tuple(entries), file

    def _map_entry(self, item: Any, line: int, file: str) -> KeyMapEntry | None:
        if not isinstance(item, LineDict):
            self.problem(file, line, "a key map entry must be a mapping of fields")
            return None
        for dup, dup_line in item.duplicate_keys:
            self.problem(file, dup_line, f"field {dup!r} appears twice")
        old = self._text(item, "old", file, pattern=REQUIREMENT_KEY,
                         hint="a requirement key such as ORG-01")
        label = old or f"entry at line {item.line}"
        self._unknown_fields(item, KEY_MAP_FIELDS, file, label)
        kind = item.get("kind")
        if kind not in MAP_KINDS:
            self.problem(file, item.key_lines.get("kind", item.line),
                         f"kind is missing: use one of {', '.join(MAP_KINDS)}" if kind is None
                         else f"unknown kind {kind!r}: use one of {', '.join(MAP_KINDS)}", label)
            return None
        targets = item.get("to", [])
        to_line = item.key_lines.get("to", item.line)
        if isinstance(targets, str):
            targets = [targets]
        if not isinstance(targets, list) or not all(
                isinstance(t, str) and REQUIREMENT_KEY.match(t) for t in targets):
            self.problem(file, to_line, "to must list requirement keys such as [ORG-01]", label)
            targets = []
        targets = tuple(dict.fromkeys(targets))
        wanted = {"kept": (0, 0), "renamed": (1, 1), "merged": (1, 1), "split": (2, None),
                  "removed": (0, 0)}[kind]
        low, high = wanted
        if len(targets) < low or (high is not None and len(targets) > high):
            form = {"kept": "no targets (to: is left out)", "removed": "no targets",
                    "renamed": "exactly one target", "merged": "exactly one target",
                    "split": "two or more targets"}[kind]
            self.problem(file, to_line, f"{kind} takes {form}, not {len(targets)}", label)
        if kind == "renamed" and targets == (old,):
            self.problem(file, to_line, "renamed to itself: that is kept", label)
        note = None
        if "note" in item:
            note = self._texts(item, "note", file, label)
        elif kind != "kept":
            self.problem(file, item.line,
                         f"note is missing: say in fr, nl and en why the key is {kind}", label)
        if self.problems and not old:
            return None
        return KeyMapEntry(old=old, kind=kind, targets=targets, note=note, line=item.line)

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

    # -- fields ---------------------------------------------------------------------
    def _unknown_fields(self, doc: LineDict, known: set[str], name: str, key: str | None = None):
        for field_name in doc:
            if field_name not in known:
                self.problem(name, doc.key_lines[field_name],
                             f"unknown field {field_name!r}; expected one of "
                             f"{', '.join(sorted(known))}", key)

    def _text(self, doc: LineDict, field_name: str, name: str, *, pattern: re.Pattern | None,
              hint: str) -> str:
        value = doc.get(field_name)
        line = doc.key_lines.get(field_name, doc.line)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.problem(name, line, f"{field_name} is missing")
            return ""
        if not isinstance(value, str):
            self.problem(name, line, f"{field_name} must be text")
            return ""
        value = value.strip()
        if pattern is not None and not pattern.match(value):
            self.problem(name, line, f"{field_name} {value!r} is not valid: use {hint}")
            return ""
        return value

    def _texts(self, doc: LineDict, field_name: str, name: str, key: str | None) -> Texts:
        value = doc.get(field_name)
        line = doc.key_lines.get(field_name, doc.line)
        if not isinstance(value, LineDict):
            self.problem(name, line,
                         f"{field_name} is missing: give a text in each of fr, nl and en"
                         if value is None else f"{field_name} must map fr, nl and en to texts",
                         key)
            return {}
        texts: Texts = {}
        for lang in value:
            if lang not in LANGUAGES:
                self.problem(name, value.key_lines[lang],
                             f"{field_name} has unknown language {lang!r}; use fr, nl and en", key)
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.problem(name, value.key_lines.get(lang, line),
                             f"missing translation: {field_name} has no {lang!r} text", key)
            else:
                texts[lang] = " ".join(text.split()) if field_name == "title" else text.strip()
        return texts

    def _basis(self, doc: LineDict, name: str, key: str, *, required: bool) -> str | None:
        value = doc.get("basis")
        line = doc.key_lines.get("basis", doc.line)
        if value is None:
            if required:
                self.problem(name, line, "basis is missing: use law, standard or good_practice",
                             key)
            return None
        if value not in BASES:
            self.problem(name, line,
                         f"unknown basis {value!r}: use law, standard or good_practice", key)
            return None
        return value

    def _row_refs(self, doc: LineDict, name: str, key: str) -> tuple[str, ...]:
        if "retention" not in doc:
            return ()
        value = doc.get("retention")
        line = doc.key_lines["retention"]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(name, line, "retention must list rows of the retention table", key)
            return ()
        if self.row_keys is None:
            self.problem(name, line, "retention: the manual has no retention table "
                         "(retention: in manual.yaml)", key)
            return ()
        for row in value:
            if row not in self.row_keys:
                self.problem(name, line, f"unknown retention row {row!r}; use one of "
                             f"{', '.join(sorted(self.row_keys))}", key)
        return tuple(dict.fromkeys(value))

    def _references(self, doc: LineDict, name: str, key: str,
                    field_name: str = "references") -> tuple[str, ...]:
        value = doc.get(field_name)
        line = doc.key_lines.get(field_name, doc.line)
        if not isinstance(value, LineList) or not value:
            self.problem(name, line, f"{field_name} must list at least one legal reference"
                         if field_name == "references" else
                         f"{field_name} must list at least one source", key)
            return ()
        refs = []
        for ref, ref_line in zip(value, value.item_lines, strict=True):
            if ref is None or (isinstance(ref, str) and not ref.strip()):
                self.problem(name, ref_line, "empty legal reference", key)
            elif not isinstance(ref, str):
                self.problem(name, ref_line, f"legal reference {ref!r} must be text", key)
            else:
                refs.append(" ".join(ref.split()))
        return tuple(refs)

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
        value = doc.get("period_months")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
            self.problem(name, doc.key_lines["period_months"],
                         f"period_months {value!r} must be a whole number of months, 1 to 120",
                         key)
            return None
        return value
