"""A request to the member on one requirement of an assessment under pre-audit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.assessments.models import Answer, Assessment
from compliance.auth.models import User
from compliance.db import enum_column, utcnow
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.requests_.workflow import RequestState


class RequestKind(StrEnum):
    DOCUMENT = "document"
    CLARIFICATION = "clarification"


KIND_LABELS = {RequestKind.DOCUMENT: _l("A document"),
               RequestKind.CLARIFICATION: _l("A clarification")}


class MemberRequest(db.Model):
    """The consultant asks, the member answers (text and/or files), the consultant
    closes it; while not closed it blocks the sign-off if the consultant said so."""

    __tablename__ = "member_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    requirement_key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text)
    blocks_sign_off: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())
    state: Mapped[RequestState] = enum_column(RequestState, default=RequestState.OPEN,
                                              server_default=RequestState.OPEN.value)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    response: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": revision}

    assessment: Mapped[Assessment] = relationship()
    answer: Mapped[Answer] = relationship()
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    files: Mapped[list[RequestFile]] = relationship(
        back_populates="request", order_by="RequestFile.evidence_id")

    def snapshot(self) -> dict[str, object]:
        return {"state": self.state, "response": self.response,
                "files": [f.evidence_id for f in self.files]}


class RequestFile(db.Model):
    """A file of the member's answer (kept in the member's evidence library)."""

    __tablename__ = "member_request_file"

    request_id: Mapped[int] = mapped_column(ForeignKey("member_request.id"), primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True,
                                             index=True)

    request: Mapped[MemberRequest] = relationship(back_populates="files")
    evidence: Mapped[Evidence] = relationship()
