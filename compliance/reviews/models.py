"""Pre-audits: the consultant's verdict on each requirement, and the sign-off."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.assessments.models import Answer, Assessment
from compliance.auth.models import User
from compliance.db import enum_column, utcnow
from compliance.extensions import db
from compliance.reviews.workflow import PreAuditState


class Verdict(StrEnum):
    CONFORM = "conform"
    OBSERVATION = "observation"
    MINOR_NC = "minor_nc"
    MAJOR_NC = "major_nc"
    NOT_APPLICABLE = "not_applicable"


VERDICT_LABELS = {
    Verdict.CONFORM: _l("Conform"),
    Verdict.OBSERVATION: _l("Observation"),
    Verdict.MINOR_NC: _l("Minor non-conformity"),
    Verdict.MAJOR_NC: _l("Major non-conformity"),
    Verdict.NOT_APPLICABLE: _l("Not applicable"),
}
NON_CONFORMITIES = (Verdict.MINOR_NC, Verdict.MAJOR_NC)
READINESS_LABELS = {
    "ready": _l("Ready"),
    "nearly_ready": _l("Nearly ready"),
    "not_ready": _l("Not ready"),
}


class PreAudit(db.Model):
    """One per assessment once a consultant starts reviewing it."""

    __tablename__ = "pre_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), unique=True)
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    signed_by_name: Mapped[str | None] = mapped_column(String(200))
    signed_on: Mapped[date | None]
    state: Mapped[PreAuditState] = enum_column(PreAuditState, default=PreAuditState.IN_PROGRESS,
                                               server_default=PreAuditState.IN_PROGRESS.value)
    revision: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": revision}

    assessment: Mapped[Assessment] = relationship(back_populates="pre_audit")
    consultant: Mapped[User | None] = relationship()

    def snapshot(self) -> dict[str, object]:
        return {"state": self.state, "signed_by": self.signed_by_name,
                "signed_on": self.signed_on}


class RequirementVerdict(db.Model):
    """The consultant's verdict on one answer."""

    __tablename__ = "verdict"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id"), unique=True)
    verdict: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)  # why not applicable
    comment: Mapped[str | None] = mapped_column(Text)
    change_request: Mapped[str | None] = mapped_column(Text)  # what the member must change
    revision: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __mapper_args__ = {"version_id_col": revision}

    answer: Mapped[Answer] = relationship(back_populates="verdict")

    def snapshot(self) -> dict[str, object]:
        return {"verdict": self.verdict, "reason": self.reason, "comment": self.comment,
                "change_request": self.change_request}


class AssessmentScore(db.Model):
    """Scores kept after each change, per chapter (chapter_id NULL: the whole assessment),
    so dashboards read a few rows per member instead of every answer."""

    __tablename__ = "assessment_score"
    __table_args__ = (UniqueConstraint("assessment_id", "chapter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapter.id"))
    self_score: Mapped[float | None] = mapped_column(Float)
    consultant_score: Mapped[float | None] = mapped_column(Float)
    readiness: Mapped[str | None] = mapped_column(String(20))
    open_major: Mapped[int] = mapped_column(default=0)
