"""What changed from the previous stored version to a version, per requirement, through
the key map: new, unchanged, changed, merged from several, renamed, split; and what was
removed. Texts are compared in the reader's language (compliance.manual.diff)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.extensions import db
from compliance.manual.diff import Comparison, compare
from compliance.manual.key_map import carried_keys, relation, sources_of
from compliance.manual.models import ManualVersion, Requirement
from compliance.manual.queries import map_step, previous_of

CHANGE_LABELS = {
    "new": _l("New"),
    "unchanged": _l("Unchanged"),
    "changed": _l("Changed"),
    "merged": _l("Merged"),
    "renamed": _l("Renamed"),
    "split": _l("Split"),
    "removed": _l("Removed"),
    "kept": _l("Kept"),
}
COMPARED = ("title", "guidance", "evidence", "references", "criticality", "basis",
            "applies_to", "period_months")


@dataclass(frozen=True)
class Source:
    """An old requirement that a new one carries on."""

    key: str
    relation: str  # kept, renamed, merged or split
    title: dict[str, str]
    note: dict[str, str] | None  # the key map's why
    comparison: Comparison


@dataclass(frozen=True)
class RequirementChanges:
    requirement: Requirement
    sources: tuple[Source, ...]

    @property
    def status(self) -> str:
        """new, unchanged, changed, merged, renamed or split."""
        if not self.sources:
            return "new"
        if len(self.sources) > 1:
            return "merged"
        source = self.sources[0]
        if source.relation == "kept":
            return "changed" if source.comparison.changed else "unchanged"
        return source.relation


@dataclass(frozen=True)
class Removed:
    key: str
    title: dict[str, str]
    note: dict[str, str] | None


@dataclass(frozen=True)
class VersionChanges:
    version: ManualVersion
    previous: ManualVersion
    requirements: tuple[RequirementChanges, ...]
    removed: tuple[Removed, ...]

    @cached_property
    def counts(self) -> Counter:
        counts = Counter(r.status for r in self.requirements)
        counts["removed"] = len(self.removed)
        return counts

    def of(self, key: str) -> RequirementChanges | None:
        return next((r for r in self.requirements if r.requirement.key == key), None)


def _fields(requirement: Requirement) -> dict[str, object]:
    return {name: getattr(requirement, name) for name in COMPARED}


def version_changes(version: ManualVersion, language: str) -> VersionChanges | None:
    """The changes since the stored previous version (None: none is stored)."""
    previous = previous_of(version)
    if previous is None:
        return None
    old = {r.key: r for r in _requirements(previous)}
    step = map_step(version)
    carried = carried_keys(list(old), [step])
    sources = sources_of(carried)
    notes = {entry.old: entry.note for entry in step.entries}
    changes = []
    for requirement in _requirements(version):
        changes.append(RequirementChanges(requirement, tuple(
            Source(key, relation(key, carried, sources), old[key].title, notes.get(key),
                   compare(_fields(old[key]), _fields(requirement), language))
            for key in sources.get(requirement.key, ()))))
    removed = tuple(Removed(key, old[key].title, notes.get(key))
                    for key in old if not carried[key])
    return VersionChanges(version, previous, tuple(changes), removed)


def _requirements(version: ManualVersion) -> list[Requirement]:
    return list(db.session.scalars(select(Requirement).where(
        Requirement.manual_version_id == version.id).order_by(Requirement.position)))
