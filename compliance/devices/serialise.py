"""Statements as JSON, for the API: the payload's shape (what the program sent, so a
client reads back what it wrote) plus what the register adds — the id, whether it is
complete, what is missing, the retention end, when and by whom it was received."""

from __future__ import annotations

from datetime import date
from typing import Any

from compliance.devices.elements import label
from compliance.devices.models import DeviceStatement
from compliance.devices.schema import statement_schema
from compliance.devices.services import Received


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def statement_json(s: DeviceStatement) -> dict[str, Any]:
    """One statement; ``missing`` lists element keys with their label in the current
    locale."""
    return {
        "id": s.id, "external_id": s.external_id,
        "manufacturer": {"name": s.manufacturer_name, "address": s.manufacturer_address},
        "manufacturing_sites": list(s.manufacturing_sites or []),
        "authorised_representative": s.authorised_representative,
        "device": {"description": s.device_description, "identifier": s.device_identifier,
                   "family": s.device_family, "class": s.device_class,
                   "implantable": s.implantable},
        "patient_code": s.patient_code,
        "prescriber": {"name": s.prescriber_name, "qualification": s.prescriber_qualification,
                       "health_institution": s.health_institution},
        "characteristics": s.characteristics,
        "gspr": {"conforms": s.gspr_conforms,
                 "not_fully_met": list(s.gspr_not_fully_met or [])},
        "medicinal_substance": s.medicinal_substance,
        "tissues_or_cells": s.tissues_or_cells,
        "delivery_date": _day(s.delivery_date), "handover_date": _day(s.handover_date),
        "patient_language": s.patient_language,
        "complete": s.complete,
        "missing": [{"field": key, "message": label(key)} for key in s.missing],
        "retention_end": _day(s.retention_end),
        "received_at": s.received_at.isoformat(), "received_by": s.received_by,
        "updated_at": s.updated_at.isoformat() if s.updated_at else None,
        "revision": s.revision,
    }


def received_json(result: Received) -> dict[str, Any]:
    """One payload's outcome in a batch answer."""
    answer: dict[str, Any] = {"external_id": result.external_id, "outcome": result.outcome}
    if result.refused:
        answer["errors"] = [e.as_dict() for e in result.errors]
    else:
        answer["id"] = result.statement.id if result.statement else None
        answer["complete"] = not result.missing
        answer["missing"] = [e.as_dict() for e in result.missing]
    return answer


def statement_read_schema() -> dict[str, Any]:
    """JSON Schema of ``statement_json``: the payload's, with the register's fields."""
    schema = statement_schema()
    schema["title"] = "DeviceStatementRead"
    schema.pop("description", None)
    problem = {"type": "object", "properties": {"field": {"type": "string"},
                                                "message": {"type": "string"}}}
    schema["properties"] |= {
        "id": {"type": "integer"}, "complete": {"type": "boolean"},
        "missing": {"type": "array", "items": problem},
        "retention_end": {"type": ["string", "null"], "format": "date"},
        "received_at": {"type": "string", "format": "date-time"},
        "received_by": {"type": "string"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "revision": {"type": "integer"}}
    schema["required"] = ["id", "external_id", "complete", "missing"]
    return schema
