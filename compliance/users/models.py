"""Invitations: how a person gets an account without anyone choosing their password."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.auth.models import Role, User
from compliance.db import CreatedAtMixin, utcnow
from compliance.extensions import db

if TYPE_CHECKING:
    from compliance.members.models import Member


class Invitation(CreatedAtMixin, db.Model):
    """A single-use, expiring link by e-mail with which a person sets their own password
    and gets an account with the role (and member) given here. Only the hash of the
    link's secret is kept; re-sending makes a new secret, so the old link stops working."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Members a consultant will be assigned to, by id.
    assigned: Mapped[list[int]] = mapped_column(JSON, default=list)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    member: Mapped[Member | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def pending(self) -> bool:
        """Neither accepted nor withdrawn (it may have expired: it can be re-sent)."""
        return self.used_at is None and self.revoked_at is None

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()

    def __repr__(self) -> str:
        return f"<Invitation {self.email} {self.role}>"
