"""The JSON Schema of one statement payload (for the API's OpenAPI document) and the
field names the validation accepts. The schema describes the shape; elements left out
are allowed (the statement is then kept as incomplete), extra fields are not."""

from __future__ import annotations

from typing import Any

from compliance.devices.elements import CLASSES, FAMILIES, PATIENT_LANGUAGES

TOP_LEVEL = frozenset({
    "external_id", "manufacturer", "manufacturing_sites", "authorised_representative",
    "device", "patient_code", "prescriber", "characteristics", "gspr",
    "medicinal_substance", "tissues_or_cells", "delivery_date", "handover_date",
    "patient_language"})
#: The fields of each object (the items of a list of objects included).
OBJECTS: dict[str, frozenset[str]] = {
    "manufacturer": frozenset({"name", "address"}),
    "manufacturing_sites": frozenset({"name", "address"}),
    "authorised_representative": frozenset({"name", "address"}),
    "device": frozenset({"description", "identifier", "family", "class", "implantable"}),
    "prescriber": frozenset({"name", "qualification", "health_institution"}),
    "gspr": frozenset({"conforms", "not_fully_met"}),
    "not_fully_met": frozenset({"requirement", "reason"}),
}


def _text(description: str, limit: int = 4000, nullable: bool = True) -> dict[str, Any]:
    kind: Any = ["string", "null"] if nullable else "string"
    return {"type": kind, "maxLength": limit, "description": description}


def _party(description: str) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "description": description,
            "properties": {"name": _text("Name", 4000), "address": _text("Address")}}


def _flag(description: str) -> dict[str, Any]:
    return {"type": ["boolean", "null"], "description": description}


def _day(description: str) -> dict[str, Any]:
    return {"type": ["string", "null"], "format": "date", "description": description}


def statement_schema() -> dict[str, Any]:
    """JSON Schema (2020-12, as OpenAPI 3.1 uses) of one device statement."""
    return {
        "type": "object", "title": "DeviceStatement", "additionalProperties": False,
        "required": ["external_id"],
        "description": "The statement of a custom-made device (MDR Annex XIII §1). A "
                       "missing element keeps the statement as incomplete; a patient's "
                       "name or national register number refuses it.",
        "properties": {
            "external_id": _text("The practice program's own number for the statement: "
                                 "sending it again updates the same statement.", 200,
                                 nullable=False) | {"minLength": 1},
            "manufacturer": _party("The manufacturer (the workshop)"),
            "manufacturing_sites": {"type": ["array", "null"], "items": _party(
                "A manufacturing site"), "description": "Every manufacturing site"},
            "authorised_representative": _party("The authorised representative, if any")
            | {"type": ["object", "null"]},
            "device": {"type": "object", "additionalProperties": False, "properties": {
                "description": _text("Data identifying the device"),
                "identifier": _text("Serial or order number of the device", 200),
                "family": {"type": ["string", "null"], "enum": [*FAMILIES, None]},
                "class": {"type": ["string", "null"], "enum": [*CLASSES, None]},
                "implantable": _flag("Whether the device is implantable (15 years' "
                                     "retention)")}},
            "patient_code": _text("Pseudonymous patient code; never a name", 40)
            | {"pattern": "^[A-Za-z0-9_./-]*$"},
            "prescriber": {"type": "object", "additionalProperties": False, "properties": {
                "name": _text("Prescriber's name", 200),
                "qualification": _text("Prescriber's qualification", 200),
                "health_institution": _text("Health institution, where applicable", 200)}},
            "characteristics": _text("The device's specific characteristics as prescribed"),
            "gspr": {"type": "object", "additionalProperties": False, "properties": {
                "conforms": {"type": ["boolean", "null"], "enum": [True, None],
                             "description": "The device conforms to Annex I (GSPR)"},
                "not_fully_met": {"type": ["array", "null"], "items": {
                    "type": "object", "additionalProperties": False, "properties": {
                        "requirement": _text("The requirement not fully met"),
                        "reason": _text("Why")}}}}},
            "medicinal_substance": _flag("Incorporates a medicinal substance"),
            "tissues_or_cells": _flag("Incorporates tissues or cells of human or animal "
                                      "origin"),
            "delivery_date": _day("Delivery date"),
            "handover_date": _day("Handover date to the patient"),
            "patient_language": {"type": ["string", "null"],
                                 "enum": [*PATIENT_LANGUAGES, None]},
        },
    }
