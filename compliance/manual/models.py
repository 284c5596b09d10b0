"""The quality manual as stored: versions, chapters, requirements, and how each key of
the previous version lives on in a version (its key map).

Texts are stored per language as JSON objects ``{"fr": ..., "nl": ..., "en": ...}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import CreatedAtMixin
from compliance.extensions import db


class ManualVersion(CreatedAtMixin, db.Model):
    __tablename__ = "manual_version"
    __table_args__ = (UniqueConstraint("manual_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_key: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    published: Mapped[date | None]
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    format: Mapped[int] = mapped_column(default=1, server_default="1")
    # The version this one follows (same manual key), whose keys its key map accounts for.
    previous_version: Mapped[str | None] = mapped_column(String(40))
    release_notes: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # The retention table: rows as in retention.yaml (key, title, period, years, ...).
    retention: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="manual_version", order_by="Chapter.position",
        cascade="all, delete-orphan",
    )
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="manual_version", order_by="Requirement.position", viewonly=True,
    )
    key_map: Mapped[list[KeyMapping]] = relationship(
        back_populates="manual_version", order_by="KeyMapping.position",
        cascade="all, delete-orphan",
    )

    def retention_row(self, key: str) -> dict[str, Any] | None:
        return next((row for row in self.retention or () if row["key"] == key), None)

    def __repr__(self) -> str:
        return f"<ManualVersion {self.manual_key} {self.version}>"


class Chapter(db.Model):
    __tablename__ = "chapter"
    __table_args__ = (UniqueConstraint("manual_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_version_id: Mapped[int] = mapped_column(ForeignKey("manual_version.id"))
    key: Mapped[str] = mapped_column(String(8))
    position: Mapped[int]
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    intro: Mapped[dict[str, str] | None] = mapped_column(JSON)

    manual_version: Mapped[ManualVersion] = relationship(back_populates="chapters")
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="chapter", order_by="Requirement.position", cascade="all, delete-orphan",
    )


class Requirement(db.Model):
    __tablename__ = "requirement"
    __table_args__ = (UniqueConstraint("manual_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_version_id: Mapped[int] = mapped_column(ForeignKey("manual_version.id"))
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapter.id"), index=True)
    key: Mapped[str] = mapped_column(String(12), index=True)
    position: Mapped[int]
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    guidance: Mapped[dict[str, str]] = mapped_column(JSON)
    evidence: Mapped[dict[str, str]] = mapped_column(JSON)
    references: Mapped[list[str]] = mapped_column(JSON)
    criticality: Mapped[str] = mapped_column(String(5))
    applies_to: Mapped[list[str]] = mapped_column(JSON)
    period_months: Mapped[int | None]
    text_hash: Mapped[str] = mapped_column(String(64))
    # law, standard or good_practice; None for versions written before the field existed
    basis: Mapped[str | None] = mapped_column(String(16))
    # keys of rows of the version's retention table this requirement uses
    retention: Mapped[list[str] | None] = mapped_column(JSON)

    manual_version: Mapped[ManualVersion] = relationship(back_populates="requirements")
    chapter: Mapped[Chapter] = relationship(back_populates="requirements")

    @property
    def retention_rows(self) -> list[dict[str, Any]]:
        rows = (self.manual_version.retention_row(key) for key in self.retention or ())
        return [row for row in rows if row is not None]


class KeyMapping(db.Model):
    """One entry of a version's key map: what became of a key of the previous version.

    Keys present in both versions are kept without an entry (see key_map.maps_to).
    """

    __tablename__ = "key_mapping"
    __table_args__ = (UniqueConstraint("manual_version_id", "old_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_version_id: Mapped[int] = mapped_column(ForeignKey("manual_version.id"))
    position: Mapped[int]
    old_key: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(8))  # kept, renamed, merged, split, removed
    targets: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[dict[str, str] | None] = mapped_column(JSON)

    manual_version: Mapped[ManualVersion] = relationship(back_populates="key_map")
