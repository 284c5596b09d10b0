"""Device statements: one per custom-made device a workshop delivered, as its practice
program sent it (MDR Annex XIII §1), with what is missing from it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import utcnow
from compliance.extensions import db
from compliance.members.models import Member


class DeviceStatement(db.Model):
    """A statement; ``missing`` lists the element keys it lacks (empty: complete)."""

    __tablename__ = "device_statement"
    __table_args__ = (
        UniqueConstraint("member_id", "external_id"),
        Index("ix_device_statement_register", "member_id", "month", "complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    received_by: Mapped[str] = mapped_column(String(200))  # the token's or person's name
    revision: Mapped[int] = mapped_column(default=1)
    # The register's month ("2026-11"): the delivery's, else the receipt's.
    month: Mapped[str] = mapped_column(String(7))
    complete: Mapped[bool]
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    retention_end: Mapped[date | None]

    manufacturer_name: Mapped[str | None] = mapped_column(String(200))
    manufacturer_address: Mapped[str | None] = mapped_column(Text)
    manufacturing_sites: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    authorised_representative: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    device_description: Mapped[str | None] = mapped_column(Text)
    device_identifier: Mapped[str | None] = mapped_column(String(200))
    device_family: Mapped[str | None] = mapped_column(String(20))
    device_class: Mapped[str | None] = mapped_column(String(4))
    implantable: Mapped[bool] = mapped_column(default=False)
    patient_code: Mapped[str | None] = mapped_column(String(40))
    prescriber_name: Mapped[str | None] = mapped_column(String(200))
    prescriber_qualification: Mapped[str | None] = mapped_column(String(200))
    health_institution: Mapped[str | None] = mapped_column(String(200))
    characteristics: Mapped[str | None] = mapped_column(Text)
    gspr_conforms: Mapped[bool | None]
    gspr_not_fully_met: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    medicinal_substance: Mapped[bool | None]
    tissues_or_cells: Mapped[bool | None]
    delivery_date: Mapped[date | None]
    handover_date: Mapped[date | None]
    patient_language: Mapped[str | None] = mapped_column(String(2))

    member: Mapped[Member] = relationship()


#: The columns a payload sets (everything but the bookkeeping).
CONTENT_COLUMNS = (
    "manufacturer_name", "manufacturer_address", "manufacturing_sites",
    "authorised_representative", "device_description", "device_identifier", "device_family",
    "device_class", "implantable", "patient_code", "prescriber_name",
    "prescriber_qualification", "health_institution", "characteristics", "gspr_conforms",
    "gspr_not_fully_met", "medicinal_substance", "tissues_or_cells", "delivery_date",
    "handover_date", "patient_language")
