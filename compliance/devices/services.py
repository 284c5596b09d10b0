"""Receiving statements from a practice program: the one entry point the API calls.

``receive_statements`` checks each payload element by element (validation.py) and keeps
it, complete or incomplete, under its external identifier: sending the same identifier
again updates that statement (or leaves it as it is when nothing changed), never makes
a second one. A refused payload (a patient's name or national register number, a
malformed field) stores nothing and comes back with its errors. One audit event records
the batch. Flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from compliance import clock
from compliance.audit import log_event
from compliance.db import utcnow
from compliance.devices.elements import label
from compliance.devices.models import CONTENT_COLUMNS, DeviceStatement
from compliance.devices.validation import Checked, FieldError, check_statement
from compliance.extensions import db
from compliance.manual.models import ManualVersion
from compliance.members.models import Member

#: Statement retention when the manual says nothing (MDR Annex XIII §4).
DEFAULT_YEARS, DEFAULT_YEARS_IMPLANTABLE = 10, 15
REGION_LANGUAGE = {"flanders": "nl", "wallonia": "fr", "brussels": "fr"}


@dataclass
class Received:
    """One payload's outcome: ``created``, ``updated``, ``unchanged`` or ``refused``."""

    external_id: str | None
    outcome: str
    statement: DeviceStatement | None = None
    errors: list[FieldError] = field(default_factory=list)
    missing: list[FieldError] = field(default_factory=list)  # incomplete: what lacks

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"


def member_language(member: Member) -> str:
    return REGION_LANGUAGE.get(member.region, "fr")


def retention_years() -> tuple[int, int]:
    """Years to keep a statement, and an implantable device's: the newest manual's
    retention table (row ``statement``), else the MDR's 10 and 15."""
    for version in db.session.scalars(select(ManualVersion).where(
            ManualVersion.retention.is_not(None)).order_by(ManualVersion.id.desc()).limit(1)):
        row = version.retention_row("statement") or {}
        return (row.get("years") or DEFAULT_YEARS,
                row.get("years_implantable") or row.get("years") or DEFAULT_YEARS_IMPLANTABLE)
    return DEFAULT_YEARS, DEFAULT_YEARS_IMPLANTABLE


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def receive_statements(member: Member, payloads: list[dict[str, Any]], *, actor_label: str,
                       actor: Any = None, language: str | None = None) -> list[Received]:
    """Check and keep each payload (in order); one outcome per payload. Messages are in
    ``language``, else the member's (its region's)."""
    with force_locale(language or member_language(member)):
        checked = [check_statement(payload) for payload in payloads]
        ids = [c.values.get("external_id") for c in checked if not c.errors]
        existing = {s.external_id: s for s in db.session.scalars(select(DeviceStatement).where(
            DeviceStatement.member_id == member.id, DeviceStatement.external_id.in_(ids)))} \
            if ids else {}
        keeper = _Keeper(member, actor_label, existing)
        results = [keeper.keep(c) for c in checked]
    db.session.flush()
    _audit(member, results, actor_label, actor)
    return results


class _Keeper:
    def __init__(self, member: Member, actor_label: str,
                 existing: dict[str, DeviceStatement]):
        self.member, self.actor_label, self.existing = member, actor_label, existing
        self.years: tuple[int, int] | None = None
        self.today = clock.today()

    def keep(self, checked: Checked) -> Received:
        external_id = checked.values.get("external_id")
        if checked.errors:
            return Received(external_id if isinstance(external_id, str) else None, "refused",
                            errors=checked.errors)
        columns = self.columns(checked)
        statement = self.existing.get(external_id)
        missing = [FieldError(key, _("Missing: %(element)s", element=label(key)))
                   for key in checked.missing]
        if statement is None:
            statement = DeviceStatement(member_id=self.member.id, external_id=external_id,
                                        received_by=self.actor_label, revision=1,
                                        **columns)
            db.session.add(statement)
            self.existing[external_id] = statement
            return Received(external_id, "created", statement, missing=missing)
        if all(getattr(statement, name) == value for name, value in columns.items()
               if name != "month"):
            return Received(external_id, "unchanged", statement, missing=missing)
        for name, value in columns.items():
            setattr(statement, name, value)
        statement.revision += 1
        statement.updated_at = utcnow()
        statement.received_by = self.actor_label
        return Received(external_id, "updated", statement, missing=missing)

    def columns(self, checked: Checked) -> dict[str, Any]:
        values = {name: checked.values.get(name) for name in CONTENT_COLUMNS}
        values["manufacturing_sites"] = values["manufacturing_sites"] or []
        values["gspr_not_fully_met"] = values["gspr_not_fully_met"] or []
        values["implantable"] = bool(values["implantable"])
        delivered = values["delivery_date"]
        values["month"] = (delivered or self.today).strftime("%Y-%m")
        values["complete"] = not checked.missing
        values["missing"] = list(checked.missing)
        values["retention_end"] = self.retention_end(values)
        return values

    def retention_end(self, values: dict[str, Any]) -> date | None:
        start = values["handover_date"] or values["delivery_date"]
        if start is None:
            return None
        if self.years is None:
            self.years = retention_years()
        return years_after(start, self.years[1] if values["implantable"] else self.years[0])


def _audit(member: Member, results: list[Received], actor_label: str, actor: Any) -> None:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    if not results:
        return
    changed = [r.statement.id for r in results
               if r.outcome in ("created", "updated") and r.statement is not None]
    log_event("statements_received", actor=actor, object_type="device_statement",
              member_id=member.id, after={
                  "by": actor_label, **counts,
                  "incomplete": sum(1 for r in results if r.missing and not r.refused),
                  "statement_ids": changed[:1000],
                  "refused_external_ids": [r.external_id for r in results if r.refused][:100]})
