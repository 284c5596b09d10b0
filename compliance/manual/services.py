"""Importing a manual version into the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual.loader import ManualData
from compliance.manual.models import Chapter, ManualVersion, Requirement

if TYPE_CHECKING:
    from compliance.auth.models import User


@dataclass(frozen=True)
class ImportResult:
    version: ManualVersion
    created: bool


def import_manual(manual: ManualData, *, actor: User | None = None) -> ImportResult:
    """Store a validated manual; the same content twice changes nothing.

    A version already stored with other content is refused: a changed manual needs a
    new version, so answers given against the old one keep their meaning.
    """
    existing = db.session.scalar(
        select(ManualVersion).where(ManualVersion.manual_key == manual.key,
                                    ManualVersion.version == manual.version))
    if existing is not None:
        if existing.content_hash == manual.content_hash:
            return ImportResult(existing, created=False)
        raise DomainError(_l(
            "Manual %(key)s version %(version)s is already imported with other content: "
            "give the changed manual a new version.", key=manual.key, version=manual.version))
    version = ManualVersion(manual_key=manual.key, version=manual.version,
                            published=manual.published, title=dict(manual.title),
                            content_hash=manual.content_hash)
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
            ))
        version.chapters.append(chapter)
    db.session.flush()
    log_event("manual.imported", version, actor=actor,
              after={"manual": manual.key, "version": manual.version,
                     "requirements": position, "content_hash": manual.content_hash})
    return ImportResult(version, created=True)
