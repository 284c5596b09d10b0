"""Member workshops and the consultants assigned to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import CreatedAtMixin, utcnow
from compliance.extensions import db

if TYPE_CHECKING:
    from compliance.auth.models import User


class Region(StrEnum):
    FLANDERS = "flanders"
    WALLONIA = "wallonia"
    BRUSSELS = "brussels"


REGION_LABELS = {
    Region.FLANDERS: _l("Flanders"),
    Region.WALLONIA: _l("Wallonia"),
    Region.BRUSSELS: _l("Brussels"),
}


class Member(CreatedAtMixin, db.Model):
    """A member workshop of the association."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    enterprise_number: Mapped[str] = mapped_column(String(12), unique=True)
    region: Mapped[str] = mapped_column(String(10))
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Bumped by each edit from the staff's form; every update of the row checks it.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime | None]
    # Who saved last; no foreign key, which would make members and accounts depend on
    # each other (accounts are never deleted).
    updated_by_id: Mapped[int | None]

    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}

    users: Mapped[list[User]] = relationship(back_populates="member", order_by="User.email",
                                             foreign_keys="User.member_id")
    updated_by: Mapped[User | None] = relationship(
        primaryjoin="foreign(Member.updated_by_id) == User.id", viewonly=True)
    consultants: Mapped[list[User]] = relationship(
        secondary="consultant_assignment", back_populates="assigned_members",
        order_by="User.email", viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Member {self.code}>"

    def snapshot(self) -> dict[str, object]:
        return {"name": self.name, "enterprise_number": self.enterprise_number,
                "region": self.region, "activities": list(self.activities)}


class ConsultantAssignment(db.Model):
    """A consultant may see and review the members assigned to them, and no others."""

    __tablename__ = "consultant_assignment"

    consultant_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
