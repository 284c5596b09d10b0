"""Assessments (one per member and campaign) and their answers, one per requirement."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.assessments.workflow import ASSESSMENT_FLOW, STATE_LABELS, State
from compliance.auth.models import User
from compliance.campaigns.models import Campaign
from compliance.db import CreatedAtMixin, enum_column, utcnow
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.manual.models import Requirement
from compliance.members.models import Member

if TYPE_CHECKING:  # the features above assessments, named by their relationships
    from compliance.reviews.models import PreAudit, RequirementVerdict


class Status(StrEnum):
    COMPLIANT = "compliant"
    PARTIAL = "partial"
    NOT_COMPLIANT = "not_compliant"
    NOT_APPLICABLE = "not_applicable"


STATUS_LABELS = {
    Status.COMPLIANT: _l("Compliant"),
    Status.PARTIAL: _l("Partially compliant"),
    Status.NOT_COMPLIANT: _l("Not compliant"),
    Status.NOT_APPLICABLE: _l("Not applicable"),
}


class Assessment(CreatedAtMixin, db.Model):
    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("campaign_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    state: Mapped[State] = enum_column(State, default=State.NOT_STARTED)
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    # Bumped by every change: two transitions from the same state never both succeed.
    revision: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": revision}

    campaign: Mapped[Campaign] = relationship(back_populates="assessments")
    member: Mapped[Member] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    answers: Mapped[list[Answer]] = relationship(back_populates="assessment",
                                                 order_by="Answer.position")
    pre_audit: Mapped[PreAudit | None] = relationship(back_populates="assessment")

    @property
    def editable(self) -> bool:
        """Members may still change it (the workflow's "editable" group)."""
        return ASSESSMENT_FLOW.is_in(self, "editable")

    def snapshot(self) -> dict[str, object]:
        return {"state": self.state}


class Answer(db.Model):
    """A member's answer to one requirement; never deleted, only changed (and audited)."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "requirement_id"),
        # progress and gaps are counted from this index alone, without reading the rows
        Index("ix_answer_progress", "assessment_id", "included", "status", "to_confirm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirement.id"))
    requirement_key: Mapped[str] = mapped_column(String(12))
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapter.id"))
    position: Mapped[int]
    # Applies by the member's profile; a member may take a requirement back in.
    applicable_by_profile: Mapped[bool]
    included: Mapped[bool]
    inclusion_justification: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    justification: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    # Carried over from an earlier assessment: shown, but not final until confirmed.
    to_confirm: Mapped[bool] = mapped_column(default=False)
    text_changed: Mapped[bool] = mapped_column(default=False)
    # The earlier answers this one was carried over from, as they were then (several when
    # requirements were merged): see carry_over.py.
    carried_from: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __mapper_args__ = {"version_id_col": revision}  # two saves never overwrite each other

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    requirement: Mapped[Requirement] = relationship()
    updated_by: Mapped[User | None] = relationship()
    evidence_links: Mapped[list[AnswerEvidence]] = relationship(
        back_populates="answer", order_by="AnswerEvidence.linked_at")
    verdict: Mapped[RequirementVerdict | None] = relationship(back_populates="answer")

    @property
    def answered(self) -> bool:
        return self.status is not None and not self.to_confirm

    def snapshot(self) -> dict[str, object]:
        return {"status": self.status, "justification": self.justification,
                "comment": self.comment, "included": self.included,
                "inclusion_justification": self.inclusion_justification,
                "to_confirm": self.to_confirm}


class AnswerEvidence(db.Model):
    """One evidence file supporting one answer (a file may support many answers)."""

    __tablename__ = "answer_evidence"

    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id"), primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True,
                                             index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    answer: Mapped[Answer] = relationship(back_populates="evidence_links")
    evidence: Mapped[Evidence] = relationship(back_populates="links")


__all__ = ["STATE_LABELS", "STATUS_LABELS", "Answer", "AnswerEvidence", "Assessment", "State",
           "Status"]
