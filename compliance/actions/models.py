"""Corrective actions: one per non-conformity, followed until the consultant verifies it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import CreatedAtMixin, utcnow
from compliance.extensions import db

if TYPE_CHECKING:
    from compliance.assessments.models import Assessment
    from compliance.auth.models import User
    from compliance.evidence.models import Evidence
    from compliance.members.models import Member
    from compliance.reviews.models import RequirementVerdict


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    WITHDRAWN = "withdrawn"  # the finding no longer stands after a reopened pre-audit


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done, to verify"),
    ActionStatus.VERIFIED: _l("Verified"),
    ActionStatus.WITHDRAWN: _l("Withdrawn: the finding no longer stands"),
}
UNFINISHED = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)


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
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN.value,
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

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)

    def overdue_on(self, day: date) -> bool:
        return self.status in UNFINISHED and self.due_date < day

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
