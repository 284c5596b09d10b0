"""Reading the stored manual."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select

from compliance.extensions import db
from compliance.manual.key_map import KeyMapEntry, MapStep, carried_keys
from compliance.manual.models import Chapter, KeyMapping, ManualVersion, Requirement

MAX_STEPS = 100  # a chain of previous versions is never longer; guards against a loop


def versions_query() -> Select[tuple[ManualVersion]]:
    return select(ManualVersion).order_by(ManualVersion.manual_key,
                                          ManualVersion.id.desc())


def latest_version(manual_key: str | None = None) -> ManualVersion | None:
    query = select(ManualVersion).order_by(ManualVersion.id.desc()).limit(1)
    if manual_key:
        query = query.where(ManualVersion.manual_key == manual_key)
    return db.session.scalar(query)


def chapters_of(version_id: int) -> list[Chapter]:
    """A manual version's chapters, in the manual's order."""
    return list(db.session.scalars(select(Chapter).where(
        Chapter.manual_version_id == version_id).order_by(Chapter.position)))


@dataclass(frozen=True)
class ChapterCounts:
    chapter: Chapter
    requirements: int
    major: int
    recurring: int


def chapter_counts(version: ManualVersion) -> list[ChapterCounts]:
    """Every chapter of a version with its counts, in one query."""
    rows = db.session.execute(
        select(Chapter, func.count(Requirement.id),
               func.coalesce(func.sum(case((Requirement.criticality == "major", 1), else_=0)), 0),
               func.count(Requirement.period_months))
        .outerjoin(Requirement, Requirement.chapter_id == Chapter.id)
        .where(Chapter.manual_version_id == version.id)
        .group_by(Chapter.id).order_by(Chapter.position)
    ).all()
    return [ChapterCounts(chapter, total, major, recurring)
            for chapter, total, major, recurring in rows]


def version_stats(version: ManualVersion) -> dict[str, int]:
    requirements = db.session.scalars(
        select(Requirement).where(Requirement.manual_version_id == version.id)).all()
    return {
        "chapters": db.session.scalar(
            select(func.count(Chapter.id)).where(Chapter.manual_version_id == version.id)),
        "requirements": len(requirements),
        "references": sum(len(r.references) for r in requirements),
        "major": sum(r.criticality == "major" for r in requirements),
        "recurring": sum(r.period_months is not None for r in requirements),
        "basis": Counter(r.basis for r in requirements if r.basis),
    }


def previous_of(version: ManualVersion) -> ManualVersion | None:
    """The stored version this one follows (None: the first, or not imported)."""
    if not version.previous_version:
        return None
    return db.session.scalar(select(ManualVersion).where(
        ManualVersion.manual_key == version.manual_key,
        ManualVersion.version == version.previous_version))


def map_step(version: ManualVersion) -> MapStep:
    """A stored version's key map with its requirement keys (two queries)."""
    entries = db.session.scalars(select(KeyMapping).where(
        KeyMapping.manual_version_id == version.id).order_by(KeyMapping.position))
    keys = db.session.scalars(select(Requirement.key).where(
        Requirement.manual_version_id == version.id).order_by(Requirement.position))
    return MapStep(tuple(KeyMapEntry(old=e.old_key, kind=e.kind, targets=tuple(e.targets),
                                     note=e.note) for e in entries), tuple(keys))


def map_steps(old: ManualVersion, new: ManualVersion) -> list[MapStep] | None:
    """The key maps that lead from ``old`` to ``new`` through the stored previous
    versions, oldest first; [] for the same version; None when ``new`` does not follow
    ``old`` (another manual, an older version, a version not imported)."""
    steps: list[MapStep] = []
    current: ManualVersion | None = new
    while current is not None and current.id != old.id and len(steps) < MAX_STEPS:
        steps.append(map_step(current))
        current = previous_of(current)
    if current is None or current.id != old.id:
        return None
    return list(reversed(steps))


def carried_between(old: ManualVersion, new: ManualVersion,
                    old_keys: list[str]) -> dict[str, tuple[str, ...]]:
    """Each key of ``old`` -> the keys of ``new`` that carry it on. Without a chain of key
    maps between them, a key goes to the same key when ``new`` has it (keys are never
    reused for something else)."""
    steps = map_steps(old, new)
    if steps is None:
        new_keys = set(db.session.scalars(select(Requirement.key).where(
            Requirement.manual_version_id == new.id)))
        return {key: (key,) if key in new_keys else () for key in old_keys}
    return carried_keys(old_keys, steps)
