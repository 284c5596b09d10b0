"""Campaigns: staff ask a set of members to self-assess against one manual version."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import CreatedAtMixin
from compliance.extensions import db
from compliance.manual.models import ManualVersion

if TYPE_CHECKING:
    from compliance.assessments.models import Assessment
    from compliance.auth.models import User


class Campaign(CreatedAtMixin, db.Model):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    manual_version_id: Mapped[int] = mapped_column(ForeignKey("manual_version.id"))
    due_date: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Who was asked, as chosen: {"mode": "all"|"region"|"activity"|"members", "values": [...]}
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    carry_over: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]

    manual_version: Mapped[ManualVersion] = relationship()
    created_by: Mapped[User | None] = relationship()
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="campaign", order_by="Assessment.id")
