"""Demo statements for a member: a few months of deliveries as a practice program would
send them, a few incomplete and a few not yet handed over (called by compliance.demo)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from compliance.devices.elements import FAMILIES
from compliance.devices.services import Received, receive_statements
from compliance.members.models import Member

PRESCRIBERS = (("Dr. A. Claes", "Physical medicine and rehabilitation physician"),
               ("Dr. M. Dubois", "Orthopaedic surgeon"),
               ("Dr. L. Peeters", "General practitioner"))


def demo_payload(member: Member, number: int, delivered: date, *,
                 handed_over: bool = True) -> dict[str, Any]:
    """One complete statement of the member's workshop."""
    family = FAMILIES[number % 6]
    prescriber, qualification = PRESCRIBERS[number % len(PRESCRIBERS)]
    return {
        "external_id": f"DEMO-{delivered:%Y%m}-{number:04d}",
        "manufacturer": {"name": member.name, "address": "Rue de l'Atelier 1, 1000 Bruxelles"},
        "manufacturing_sites": [{"name": member.name,
                                 "address": "Rue de l'Atelier 1, 1000 Bruxelles"}],
        "authorised_representative": None,
        "device": {"description": f"Custom-made {family} #{number}",
                   "identifier": f"ORD-{number:05d}", "family": family, "class": "I",
                   "implantable": False},
        "patient_code": f"PT-{number * 7919 % 100000:05d}",
        "prescriber": {"name": prescriber, "qualification": qualification,
                       "health_institution": "AZ Demo" if number % 3 == 0 else None},
        "characteristics": "Made from the cast and measurements of the prescription.",
        "gspr": {"conforms": True, "not_fully_met": []},
        "medicinal_substance": False,
        "tissues_or_cells": False,
        "delivery_date": delivered.isoformat(),
        "handover_date": (delivered + timedelta(days=3)).isoformat() if handed_over else None,
        "patient_language": ("nl", "fr", "en")[number % 3],
    }


def add_demo_statements(member: Member, today: date, count: int = 36) -> list[Received]:
    """``count`` statements over the last six months: every twelfth lacks its prescriber's
    qualification, the newest few are not handed over yet. Flushes; the caller commits."""
    payloads = []
    for number in range(1, count + 1):
        delivered = today - timedelta(days=(count - number) * 180 // count + 1)
        payload = demo_payload(member, number, delivered, handed_over=number <= count - 3)
        if number % 12 == 0:
            del payload["prescriber"]["qualification"]
        payloads.append(payload)
    return receive_statements(member, payloads, actor_label="demo")
