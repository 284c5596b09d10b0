"""Campaigns: staff ask a set of members to self-assess against one manual version."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import CreatedAtMixin
from compliance.extensions import db
from compliance.i18n import current_language
from compliance.manual.models import ManualVersion

if TYPE_CHECKING:
    from compliance.assessments.models import Assessment
    from compliance.auth.models import User


class Campaign(CreatedAtMixin, db.Model):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the title as first given: shown when the reader's language has none
    title: Mapped[str] = mapped_column(String(200))
    title_fr: Mapped[str | None] = mapped_column(String(200))
    title_nl: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
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

    def title_in(self, language: str | None = None) -> str:
        """The title in ``language`` (the reader's by default), else the first given."""
        language = language or current_language()
        return getattr(self, f"title_{language}", None) or self.title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (templates: ``campaign.shown_title``)."""
        return self.title_in()

    @property
    def titles(self) -> dict[str, str | None]:
        return {"fr": self.title_fr, "nl": self.title_nl, "en": self.title_en}
