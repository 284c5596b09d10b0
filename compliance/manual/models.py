"""The quality manual as stored: versions, chapters and requirements.

Texts are stored per language as JSON objects ``{"fr": ..., "nl": ..., "en": ...}``.
"""

from __future__ import annotations

from datetime import date

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

    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="manual_version", order_by="Chapter.position",
        cascade="all, delete-orphan",
    )
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="manual_version", order_by="Requirement.position", viewonly=True,
    )

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

    manual_version: Mapped[ManualVersion] = relationship(back_populates="requirements")
    chapter: Mapped[Chapter] = relationship(back_populates="requirements")
