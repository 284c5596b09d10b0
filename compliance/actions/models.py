"""Corrective actions: one per non-conformity, followed until the consultant verifies it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.actions.workflow import ACTION_FLOW, ACTION_STATUS_LABELS, ActionStatus
from compliance.assessments.models import Assessment
from compliance.auth.models import User
from compliance.db import CreatedAtMixin, enum_column, utcnow
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.members.models import Member

if TYPE_CHECKING:  # the pre-audit (above actions) is named by the relationship
    from compliance.reviews.models import RequirementVerdict


class Severity(StrEnum):
    """The non-conformity an action answers (the consultant's verdict)."""

    MINOR_NC = "minor_nc"
    MAJOR_NC = "major_nc"


class CorrectiveAction(CreatedAtMixin, db.Model):
    __tablename__ = "corrective_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    verdict_id: Mapped[int] = mapped_column(ForeignKey("verdict.id"), unique=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    requirement_key: Mapped[str] = mapped_column(String(12))
    severity: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_date: Mapped[date]
    status: Mapped[ActionStatus] = enum_column(ActionStatus, default=ActionStatus.OPEN,
                                               index=True)
    closure_note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": revision}

    verdict: Mapped[RequirementVerdict] = relationship()
    assessment: Mapped[Assessment] = relationship()
    member: Mapped[Member] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    evidence: Mapped[list[Evidence]] = relationship(secondary="action_evidence")

    def overdue_on(self, day: date) -> bool:
        return ACTION_FLOW.is_in(self, "unfinished") and self.due_date < day

    def snapshot(self) -> dict[str, object]:
        return {"status": self.status, "owner_id": self.owner_id, "due_date": self.due_date,
                "description": self.description, "closure_note": self.closure_note,
                "reopen_reason": self.reopen_reason}


class ActionEvidence(db.Model):
    """Evidence that an action was carried out."""

    __tablename__ = "action_evidence"

    action_id: Mapped[int] = mapped_column(ForeignKey("corrective_action.id"),
                                           primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = ["ACTION_STATUS_LABELS", "ActionEvidence", "ActionStatus", "CorrectiveAction",
           "Severity"]
