"""The retention table of a manual version (retention.yaml): what is kept, how long, on
what basis and source; requirements refer to its rows by key. Pure: no Flask, no
database."""

from __future__ import annotations

import re
from dataclasses import dataclass

from compliance.manual.fields import FieldReader, Texts
from compliance.manual.yaml_lines import LineDict, LineList

ROW_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RETENTION_FIELDS = {"key", "title", "period", "years", "years_implantable", "basis", "sources",
                    "note"}


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


class RetentionReading(FieldReader):
    """The retention table named by manual.yaml, and requirements' references to it."""

    row_keys: set[str] | None = None  # None: the manual has no retention table

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
        rows = [self._retention_row(item, line, file, self.row_keys)
                for item, line in zip(items, items.item_lines, strict=True)]
        return tuple(row for row in rows if row is not None)

    def _retention_row(self, item: object, line: int, file: str,
                       seen: set[str]) -> RetentionRow | None:
        if not isinstance(item, LineDict):
            self.problem(file, line, "a retention row must be a mapping of fields")
            return None
        self._duplicates(item, file)
        key = self._text(item, "key", file, pattern=ROW_KEY,
                         hint="lower case letters, digits and _")
        label = key or f"row at line {item.line}"
        if key in seen:
            self.problem(file, item.key_lines["key"], "duplicate retention row", key)
        seen.add(key)
        self._unknown_fields(item, RETENTION_FIELDS, file, label)
        return RetentionRow(
            key=key,
            title=self._texts(item, "title", file, label),
            period=self._texts(item, "period", file, label),
            years=self._whole_number(item, "years", file, label, 1, 100, "years"),
            years_implantable=self._whole_number(item, "years_implantable", file, label,
                                                 1, 100, "years"),
            basis=self._basis(item, file, label, required=True) or "",
            sources=self._references(item, file, label, field_name="sources"),
            note=self._texts(item, "note", file, label) if "note" in item else None,
        )

    def _row_refs(self, doc: LineDict, name: str, key: str) -> tuple[str, ...]:
        """A requirement's ``retention``: rows of this version's retention table."""
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
