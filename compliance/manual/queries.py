"""Reading the stored manual."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select

from compliance.extensions import db
from compliance.manual.models import Chapter, ManualVersion, Requirement


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
    }
