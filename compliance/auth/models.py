"""People who use the application, their roles, failed logins (for throttling) and
password resets."""

from __future__ import annotations

import secrets
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
    # The session generation in every cookie of this user (see get_id).
    session_token: Mapped[str] = mapped_column(String(43), default=lambda: new_session_token())
    # Bumped by each edit from a form (staff's or the person's own); every update of the
    # row checks it, so a save from an older copy is a conflict.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    member: Mapped[Member | None] = relationship(back_populates="users",
                                                 foreign_keys=[member_id])
    assigned_members: Mapped[list[Member]] = relationship(
        secondary="consultant_assignment", back_populates="consultants",
        order_by="Member.code",
    )
    updated_by: Mapped[User | None] = relationship(remote_side="User.id",
                                                   foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    def get_id(self) -> str:
        """What the session cookie holds: the id and the session generation. Renewing
        the generation (logout, a new password, switched off) ends every session."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        self.session_token = new_session_token()

    def snapshot(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role, "member_id": self.member_id,
                "locale": self.locale, "active": self.active}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class LoginFailure(db.Model):
    """One failed login; recent failures for an address or a client throttle new attempts."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PasswordReset(db.Model):
    """A password-reset link: single-use, expiring, kept only as the hash of its secret."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ResetRequest(db.Model):
    """One request for a reset link, known address or not: recent ones throttle more."""

    __tablename__ = "reset_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
