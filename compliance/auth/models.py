"""People who use the application, their roles, and failed logins (for throttling)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import CreatedAtMixin, utcnow
from compliance.extensions import db

if TYPE_CHECKING:  # members build on accounts: the relationships name them
    from compliance.members.models import Member


class Role(StrEnum):
    MEMBER_MANAGER = "member_manager"
    MEMBER_CONTRIBUTOR = "member_contributor"
    CONSULTANT = "consultant"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def belongs_to_member(self) -> bool:
        return self in (Role.MEMBER_MANAGER, Role.MEMBER_CONTRIBUTOR)


ROLE_LABELS = {
    Role.MEMBER_MANAGER: _l("Member manager"),
    Role.MEMBER_CONTRIBUTOR: _l("Member contributor"),
    Role.CONSULTANT: _l("Consultant"),
    Role.STAFF: _l("Association staff"),
    Role.ADMIN: _l("Administrator"),
}


class User(UserMixin, CreatedAtMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    digest_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The secret in the user's calendar feed URL; renewing it revokes the old URL.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    member: Mapped[Member | None] = relationship(back_populates="users")
    assigned_members: Mapped[list[Member]] = relationship(
        secondary="consultant_assignment", back_populates="consultants",
        order_by="Member.code",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class LoginFailure(db.Model):
    """One failed login; recent failures for an address or a client throttle new attempts."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
