"""Importing manual versions into the database: one, or every version of a folder."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual.key_map import KeyMapEntry, check_map
from compliance.manual.loader import ManualData, RequirementData
from compliance.manual.models import Chapter, KeyMapping, ManualVersion, Requirement

if TYPE_CHECKING:
    from compliance.auth.models import User


@dataclass(frozen=True)
class ImportResult:
    version: ManualVersion
    created: bool
    completed: bool = False  # stored before the new fields existed; they were filled in
    previous_missing: bool = False  # follows a version this database does not hold


def import_manuals(manuals: list[ManualData], *, actor: User | None = None
                   ) -> list[ImportResult]:
    """Every version of a folder, oldest first (as ``read_manuals`` gives them)."""
    return [import_manual(manual, actor=actor) for manual in manuals]


def import_manual(manual: ManualData, *, actor: User | None = None) -> ImportResult:
    """Store a validated manual version; the same content twice changes nothing.

    A version already stored with other content is refused: a changed manual needs a
    new version, so answers given against the old one keep their meaning. The key map is
    checked against the previous version when it is stored, and a stored later version's
    map against this one when it is imported after it.
    """
    existing = _stored(manual.key, manual.version)
    if existing is not None:
        if existing.content_hash != manual.content_hash:
            raise DomainError(_l(
                "Manual %(key)s version %(version)s is already imported with other content: "
                "give the changed manual a new version.", key=manual.key,
                version=manual.version))
        return ImportResult(existing, created=False, completed=_complete(existing, manual))
    previous = _stored(manual.key, manual.previous) if manual.previous else None
    if previous is not None:
        _check_map(manual.key_map, manual.requirement_keys, manual.version, manual.previous,
                   [r.key for r in previous.requirements])
    for later in _stored_successors(manual):
        _check_map([_entry(row) for row in later.key_map], [r.key for r in later.requirements],
                   later.version, manual.version, manual.requirement_keys)
    version = _new_version(manual)
    log_event("manual.imported", version, actor=actor,
              after={"manual": manual.key, "version": manual.version,
                     "requirements": len(manual.requirements),
                     "key_map": len(manual.key_map), "content_hash": manual.content_hash})
    return ImportResult(version, created=True,
                        previous_missing=manual.previous is not None and previous is None)


def _stored(manual_key: str, version: str | None) -> ManualVersion | None:
    return db.session.scalar(select(ManualVersion).where(
        ManualVersion.manual_key == manual_key, ManualVersion.version == version))


def _stored_successors(manual: ManualData) -> list[ManualVersion]:
    return list(db.session.scalars(select(ManualVersion).where(
        ManualVersion.manual_key == manual.key,
        ManualVersion.previous_version == manual.version)))


def _entry(row: KeyMapping) -> KeyMapEntry:
    return KeyMapEntry(old=row.old_key, kind=row.kind, targets=tuple(row.targets),
                       note=row.note, line=row.position)


def _check_map(entries: list[KeyMapEntry] | tuple[KeyMapEntry, ...], new_keys: list[str],
               version: str, previous: str | None, previous_keys: list[str]) -> None:
    problems = check_map(entries, new_keys, version=version, previous=previous,
                         where="key-map.yaml", previous_keys=previous_keys)
    if problems:
        first = problems[0]
        raise DomainError(_l(
            "The key map of version %(version)s does not fit version %(previous)s as "
            "imported: %(problem)s (%(count)d problem(s)).", version=version,
            previous=previous, problem=f"{first.key}: {first.message}" if first.key
            else first.message, count=len(problems)))


def _new_version(manual: ManualData) -> ManualVersion:
    version = ManualVersion(manual_key=manual.key, version=manual.version,
                            published=manual.published, title=dict(manual.title),
                            content_hash=manual.content_hash)
    _store_version_fields(version, manual)
    db.session.add(version)
    position = 0
    for chapter_position, chapter_data in enumerate(manual.chapters, start=1):
        chapter = Chapter(manual_version=version, key=chapter_data.key,
                          position=chapter_position, title=dict(chapter_data.title),
                          intro=dict(chapter_data.intro) if chapter_data.intro else None)
        for data in chapter_data.requirements:
            position += 1
            chapter.requirements.append(Requirement(
                manual_version=version, key=data.key, position=position,
                title=dict(data.title), guidance=dict(data.guidance),
                evidence=dict(data.evidence), references=list(data.references),
                criticality=data.criticality, applies_to=list(data.applies_to),
                period_months=data.period_months, text_hash=data.text_hash,
                basis=data.basis, retention=list(data.retention) or None,
            ))
        version.chapters.append(chapter)
    db.session.flush()
    return version


def _store_version_fields(version: ManualVersion, manual: ManualData) -> None:
    """The fields of format 2: previous version, release notes, retention table, key map."""
    version.format = manual.format
    version.previous_version = manual.previous
    version.release_notes = dict(manual.release_notes) if manual.release_notes else None
    version.retention = [asdict(row) for row in manual.retention] or None
    version.key_map = [
        KeyMapping(position=position, old_key=entry.old, kind=entry.kind,
                   targets=list(entry.targets), note=dict(entry.note) if entry.note else None)
        for position, entry in enumerate(manual.key_map, start=1)]


def _complete(stored: ManualVersion, manual: ManualData) -> bool:
    """A version stored before the database had its new fields gets them (same content:
    the content hash already covers them). Returns whether anything was filled in."""
    if stored.format == manual.format and (stored.previous_version or None) == manual.previous:
        return False
    _store_version_fields(stored, manual)
    data: dict[str, RequirementData] = {r.key: r for r in manual.requirements}
    for requirement in stored.requirements:
        requirement.basis = data[requirement.key].basis
        requirement.retention = list(data[requirement.key].retention) or None
    db.session.flush()
    log_event("manual.completed", stored, after={"manual": manual.key,
                                                 "version": manual.version,
                                                 "format": manual.format})
    return True
