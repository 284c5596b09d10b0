"""Evidence files: stored once by SHA-256, withdrawn but never deleted."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import CreatedAtMixin
from compliance.extensions import db

if TYPE_CHECKING:  # answers (a feature above evidence) are named by the relationships
    from compliance.assessments.models import Answer, AnswerEvidence
    from compliance.auth.models import User
    from compliance.members.models import Member


class Evidence(CreatedAtMixin, db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    document_date: Mapped[date | None]
    expiry_date: Mapped[date | None]
    version_note: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    links: Mapped[list[AnswerEvidence]] = relationship(back_populates="evidence")
    # The answers this file supports, for the library's "supports" column.
    supports: Mapped[list[Answer]] = relationship(
        secondary="answer_evidence", viewonly=True, order_by="Answer.position")

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def expired_on(self, day: date) -> bool:
        return self.expiry_date is not None and self.expiry_date < day

    def snapshot(self) -> dict[str, object]:
        return {"sha256": self.sha256, "filename": self.filename, "title": self.title,
                "document_date": self.document_date, "expiry_date": self.expiry_date,
                "version_note": self.version_note, "withdrawn_at": self.withdrawn_at}


class EvidenceBlob(db.Model):
    """A file's content kept in the database (EVIDENCE_STORE=database): one row per
    SHA-256, its bytes in chunks, so that several web machines share the evidence and it
    rides on the database's replication, backups and point-in-time recovery."""

    __tablename__ = "evidence_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    placed_at: Mapped[datetime]  # refreshed by each upload of the content, like a file's time


class EvidenceChunk(db.Model):
    __tablename__ = "evidence_chunk"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("evidence_blob.sha256", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
