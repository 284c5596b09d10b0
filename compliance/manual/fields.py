"""Reading the fields of the manual's YAML files, collecting problems instead of stopping
at the first: the base every part of the reader (manual, retention table, key map)
builds on. Pure: no Flask, no database."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from compliance.manual.problems import Problem
from compliance.manual.yaml_lines import LineDict, LineList, load_yaml

LANGUAGES = ("fr", "nl", "en")
BASES = ("law", "standard", "good_practice")
Texts = dict[str, str]


class FieldReader:
    """Holds the problems found so far and reads one field at a time."""

    def __init__(self, root: Path, names_from: Path):
        self.root = root
        self.names_from = names_from
        self.problems: list[Problem] = []

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
        self._duplicates(data, name)
        return data

    def _duplicates(self, doc: LineDict, name: str) -> None:
        for dup, line in doc.duplicate_keys:
            self.problem(name, line, f"field {dup!r} appears twice")

    def _name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.names_from))
        except ValueError:
            return str(path)

    def _side_file(self, doc: LineDict, field_name: str, name: str) -> tuple[Path | None, str]:
        """A file of this version's folder named by a field of manual.yaml."""
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

    def _whole_number(self, doc: LineDict, field_name: str, name: str, key: str | None,
                      low: int, high: int, unit: str) -> int | None:
        value = doc.get(field_name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(name, doc.key_lines[field_name],
                         f"{field_name} {value!r} must be a whole number of {unit}, "
                         f"{low} to {high}", key)
            return None
        return value
