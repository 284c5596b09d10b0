"""An API token: named, with scopes, for one member; only the SHA-256 of its secret is
kept. The same row counts the requests of the current minute (the rate limit)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import CreatedAtMixin
from compliance.extensions import db

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.members.models import Member

#: scope → what it allows (the API's operations each name one).
SCOPES = {
    "read": _l("read: the profile, assessments, requirements, deadlines, actions"),
    "evidence": _l("evidence: upload evidence, mark corrective actions done"),
    "devices": _l("devices: send device statements"),
}
PREFIX = "mdr_"  # every secret starts so: recognisable in a leaked file or a log


class ApiToken(CreatedAtMixin, db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The secret's first characters, shown in lists to tell tokens apart.
    hint: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Requests counted in the current one-minute window (see services.count_request).
    window_start: Mapped[datetime | None]
    window_count: Mapped[int] = mapped_column(default=0, server_default="0")

    member: Mapped[Member] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def label(self) -> str:
        """How the audit trail names the token."""
        return f"{self.name} ({self.hint}…)"

    def snapshot(self) -> dict[str, object]:
        return {"name": self.name, "scopes": list(self.scopes), "hint": self.hint,
                "revoked_at": self.revoked_at}
