"""The key map: how each key of the previous manual version lives on in this one (kept,
renamed, merged, split or removed), the rules a map must follow, and where an old key's
answer goes across one or more versions. Pure: no Flask, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from compliance.manual.fields import FieldReader, Texts
from compliance.manual.problems import Problem
from compliance.manual.yaml_lines import LineDict, LineList

if TYPE_CHECKING:
    from compliance.manual.data import ManualData

MAP_KINDS = ("kept", "renamed", "merged", "split", "removed")
KEY_MAP_FIELDS = {"old", "kind", "to", "note"}
REQUIREMENT_KEY = re.compile(r"^[A-Z]{2,8}-\d{2,3}$")
#: kind -> (fewest, most) targets; None: no upper bound
TARGETS = {"kept": (0, 0), "renamed": (1, 1), "merged": (1, 1), "split": (2, None),
           "removed": (0, 0)}
TARGET_FORMS = {"kept": "no targets (to: is left out)", "removed": "no targets",
                "renamed": "exactly one target", "merged": "exactly one target",
                "split": "two or more targets"}


@dataclass(frozen=True)
class KeyMapEntry:
    """How one key of the previous version lives on in this one."""

    old: str
    kind: str  # kept, renamed, merged, split or removed
    targets: tuple[str, ...] = ()
    note: Texts | None = None
    line: int | None = field(default=None, compare=False)  # where it is written; not content


def maps_to(entries: Iterable[KeyMapEntry], old_key: str, new_keys: Iterable[str]
            ) -> tuple[str, ...]:
    """The keys of a version that carry on its previous version's ``old_key``.

    Kept (explicitly or by being present in both versions): the key itself; renamed or
    merged: the one target; split: every target; removed or unknown: nothing.
    """
    for entry in entries:
        if entry.old == old_key:
            return (old_key,) if entry.kind == "kept" else entry.targets
    return (old_key,) if old_key in set(new_keys) else ()


@dataclass(frozen=True)
class MapStep:
    """One version's key map with that version's requirement keys."""

    entries: tuple[KeyMapEntry, ...]
    keys: tuple[str, ...]


def carried_keys(old_keys: Iterable[str], steps: Sequence[MapStep]) -> dict[str, tuple[str, ...]]:
    """Each old key -> the keys of the last step's version that carry it on, following
    every step's map in turn (no step: each key to itself)."""
    result = {key: (key,) for key in old_keys}
    for step in steps:
        result = {old: tuple(dict.fromkeys(
            target for middle in targets for target in maps_to(step.entries, middle, step.keys)))
            for old, targets in result.items()}
    return result


def sources_of(carried: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """The inverse of ``carried_keys``: each new key -> the old keys that feed it."""
    sources: dict[str, list[str]] = {}
    for old, targets in carried.items():
        for target in targets:
            sources.setdefault(target, []).append(old)
    return sources


def relation(old_key: str, carried: dict[str, tuple[str, ...]],
             sources: dict[str, list[str]]) -> str:
    """What became of ``old_key``, in the map's words, across every step."""
    targets = carried.get(old_key, ())
    if not targets:
        return "removed"
    if len(targets) > 1:
        return "split"
    if len(sources.get(targets[0], ())) > 1:
        return "merged"
    return "kept" if targets[0] == old_key else "renamed"


def check_key_map(manual: ManualData, previous_keys: Iterable[str] | None = None
                  ) -> list[Problem]:
    """Problems with how ``manual`` maps the keys of its previous version.

    Without ``previous_keys`` only what needs no older version is checked (targets exist,
    the forms of each kind). With them, every old key must be accounted for: present in
    this version (kept) or mapped; each mapped key must exist in the older version; a key
    still present here cannot be renamed, merged or removed.
    """
    return check_map(manual.key_map, manual.requirement_keys, version=manual.version,
                     previous=manual.previous, where=manual.key_map_file or "manual.yaml",
                     previous_keys=previous_keys)


def check_map(entries: Iterable[KeyMapEntry], new_keys: Iterable[str], *, version: str,
              previous: str | None, where: str, previous_keys: Iterable[str] | None = None
              ) -> list[Problem]:
    """``check_key_map`` on plain values (for a map already stored, for example)."""
    problems: list[Problem] = []

    def problem(entry: KeyMapEntry | None, message: str, key: str | None = None) -> None:
        problems.append(Problem(where, entry.line if entry else None, message, key))

    new_set = set(new_keys)
    seen: dict[str, KeyMapEntry] = {}
    for entry in entries:
        if entry.old in seen:
            problem(entry, "mapped twice (first at line "
                    f"{seen[entry.old].line}): give each old key one entry", entry.old)
            continue
        seen[entry.old] = entry
        for target in entry.targets:
            if target not in new_set:
                problem(entry, f"unknown target {target}: no such requirement in version "
                        f"{version}", entry.old)
        if entry.kind == "kept" and entry.old not in new_set:
            problem(entry, f"kept, but there is no requirement {entry.old} in version "
                    f"{version}", entry.old)
        if entry.kind in ("renamed", "merged", "removed") and entry.old in new_set:
            problem(entry, f"{entry.old} is still a requirement in version {version}: "
                    f"a key in both versions is kept (or split into itself and others), "
                    f"never {entry.kind}", entry.old)
    if previous_keys is None:
        return problems
    old_keys = list(previous_keys)
    old_set = set(old_keys)
    for entry in seen.values():
        if entry.old not in old_set:
            problem(entry, f"unknown old key: version {previous or 'before'} has no "
                    f"requirement {entry.old}", entry.old)
    for key in old_keys:
        if key not in seen and key not in new_set:
            problem(None, f"unaccounted key: {key} of version {previous or 'before'} "
                    f"is neither in version {version} nor in its key map", key)
    return problems


class KeyMapReading(FieldReader):
    """The key map file named by manual.yaml."""

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
        self._duplicates(item, file)
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
        targets = self._targets(item, file, kind, old, label)
        note = None
        if "note" in item:
            note = self._texts(item, "note", file, label)
        elif kind != "kept":
            self.problem(file, item.line,
                         f"note is missing: say in fr, nl and en why the key is {kind}", label)
        if self.problems and not old:
            return None
        return KeyMapEntry(old=old, kind=kind, targets=targets, note=note, line=item.line)

    def _targets(self, item: LineDict, file: str, kind: str, old: str, label: str
                 ) -> tuple[str, ...]:
        targets = item.get("to", [])
        to_line = item.key_lines.get("to", item.line)
        if isinstance(targets, str):
            targets = [targets]
        if not isinstance(targets, list) or not all(
                isinstance(t, str) and REQUIREMENT_KEY.match(t) for t in targets):
            self.problem(file, to_line, "to must list requirement keys such as [ORG-01]", label)
            targets = []
        targets = tuple(dict.fromkeys(targets))
        low, high = TARGETS[kind]
        if len(targets) < low or (high is not None and len(targets) > high):
            self.problem(file, to_line, f"{kind} takes {TARGET_FORMS[kind]}, not "
                         f"{len(targets)}", label)
        if kind == "renamed" and targets == (old,):
            self.problem(file, to_line, "renamed to itself: that is kept", label)
        return targets
