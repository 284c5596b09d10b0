"""Read and validate a quality manual from its YAML files (see docs/manual-format.md).

Pure: no Flask, no database. ``read_manual`` returns the manual as frozen dataclasses
together with every problem found; a manual with problems is never imported.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from compliance.manual.yaml_lines import LineDict, LineList, load_yaml
from compliance.profile import ACTIVITY_FLAGS, ALL

LANGUAGES = ("fr", "nl", "en")
CRITICALITIES = ("major", "minor")
MANIFEST = "manual.yaml"
MANUAL_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$")
CHAPTER_KEY = re.compile(r"^[A-Z]{2,8}$")
MANUAL_FIELDS = {"key", "version", "published", "title", "chapters"}
CHAPTER_FIELDS = {"key", "title", "intro", "requirements"}
REQUIREMENT_FIELDS = {
    "key", "title", "guidance", "evidence", "references", "criticality", "applies_to",
    "period_months",
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
class ManualData:
    key: str
    version: str
    published: date | None
    title: Texts
    chapters: tuple[ChapterData, ...] = field(default=())

    @property
    def requirements(self) -> list[RequirementData]:
        return [r for chapter in self.chapters for r in chapter.requirements]

    @property
    def content_hash(self) -> str:
        return _sha256(asdict(self))


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
    reader = _Reader(Path(path))
    manual = reader.read()
    return (None if reader.problems else manual), reader.problems


def _sha256(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Reader:
    """Walks the files once, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path):
        self.root = path if path.is_dir() else path.parent
        self.manifest = path / MANIFEST if path.is_dir() else path
        self.problems: list[Problem] = []
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
            return str(path.relative_to(self.root.parent))
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
        chapters = tuple(c for c in self._chapters(doc, name) if c is not None)
        if self.problems:
            return None
        return ManualData(key, version, published, title, chapters)

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

    def _references(self, doc: LineDict, name: str, key: str) -> tuple[str, ...]:
        value = doc.get("references")
        line = doc.key_lines.get("references", doc.line)
        if not isinstance(value, LineList) or not value:
            self.problem(name, line, "references must list at least one legal reference", key)
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
