"""The answers of writes sent with an Idempotency-Key, kept so that a retry gets the
same answer instead of doing the work twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from compliance.db import CreatedAtMixin
from compliance.extensions import db


class IdempotentRequest(CreatedAtMixin, db.Model):
    __tablename__ = "api_idempotent_request"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Keys are the client's: one token's keys never meet another's.
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    key: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(80))
    # SHA-256 of what was sent (fields and files): the same key with other content is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
