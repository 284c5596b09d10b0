"""A complete statement payload, and statements received for MEM-A."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from compliance.extensions import db
from compliance.members.models import Member

COMPLETE: dict[str, Any] = {
    "external_id": "ORD-1",
    "manufacturer": {"name": "Atelier A", "address": "Rue 1, 1000 Bruxelles"},
    "manufacturing_sites": [{"name": "Atelier A", "address": "Rue 1, 1000 Bruxelles"}],
    "authorised_representative": None,
    "device": {"description": "Knee-ankle-foot orthosis, carbon", "identifier": "SN-0042",
               "family": "orthosis", "class": "I", "implantable": False},
    "patient_code": "PT-00017",
    "prescriber": {"name": "Dr. A. Claes", "qualification": "Orthopaedic surgeon",
                   "health_institution": "AZ Sint-Jan"},
    "characteristics": "Knee flexion lock at 10 degrees, cast of 2026-10-01",
    "gspr": {"conforms": True, "not_fully_met": []},
    "medicinal_substance": False,
    "tissues_or_cells": False,
    "delivery_date": "2026-11-02",
    "handover_date": "2026-11-05",
    "patient_language": "nl",
}
TODAY = date(2026, 11, 30)


def payload(**changes: Any) -> dict[str, Any]:
    """The complete payload with top-level changes (None removes a field)."""
    result = copy.deepcopy(COMPLETE)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def member_named(code: str) -> Member:
    return db.session.scalar(select(Member).where(Member.code == code))


@pytest.fixture
def ctx(app, db):
    """A request context in English (validation messages are made in the current locale)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
