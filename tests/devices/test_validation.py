"""Each Annex XIII element checked on its own; patient identifiers refused."""

from __future__ import annotations

import copy

import pytest

from compliance.devices.elements import REQUIRED
from compliance.devices.identifiers import contains_national_number, is_national_number
from compliance.devices.validation import check_statement
from tests.devices.conftest import COMPLETE, payload

#: Where each required element sits in the payload.
PATHS = {
    "manufacturer_name": ("manufacturer", "name"),
    "manufacturer_address": ("manufacturer", "address"),
    "manufacturing_sites": ("manufacturing_sites",),
    "device_description": ("device", "description"),
    "device_identifier": ("device", "identifier"),
    "patient_code": ("patient_code",),
    "prescriber_name": ("prescriber", "name"),
    "prescriber_qualification": ("prescriber", "qualification"),
    "characteristics": ("characteristics",),
    "gspr_conforms": ("gspr", "conforms"),
    "medicinal_substance": ("medicinal_substance",),
    "tissues_or_cells": ("tissues_or_cells",),
    "device_family": ("device", "family"),
    "device_class": ("device", "class"),
    "delivery_date": ("delivery_date",),
    "patient_language": ("patient_language",),
}


def without(path: tuple[str, ...], blank: object = "absent") -> dict:
    data = copy.deepcopy(COMPLETE)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if blank == "absent":
        del parent[path[-1]]
    else:
        parent[path[-1]] = blank
    return data


def test_the_complete_payload_lacks_nothing(ctx):
    checked = check_statement(COMPLETE)
    assert checked.errors == [] and checked.missing == []
    assert checked.values["device_family"] == "orthosis"
    assert str(checked.values["delivery_date"]) == "2026-11-02"


def test_every_required_element_is_listed():
    assert set(PATHS) == set(REQUIRED)


@pytest.mark.parametrize("element", REQUIRED)
def test_a_missing_element_is_named_and_nothing_else(ctx, element):
    checked = check_statement(without(PATHS[element]))
    assert checked.errors == []
    assert checked.missing == [element]


@pytest.mark.parametrize("element", ["manufacturer_name", "characteristics", "patient_code",
                                     "prescriber_qualification", "delivery_date"])
def test_an_empty_element_counts_as_missing(ctx, element):
    checked = check_statement(without(PATHS[element], blank="  " if element != "delivery_date"
                                      else ""))
    assert checked.errors == [] and checked.missing == [element]


def test_a_site_without_address_makes_the_sites_missing(ctx):
    checked = check_statement(payload(manufacturing_sites=[{"name": "Atelier A"}]))
    assert checked.missing == ["manufacturing_sites"]


def test_the_health_institution_and_representative_apply_only_where_given(ctx):
    data = without(("prescriber", "health_institution"))
    assert check_statement(data).missing == []
    half = check_statement(payload(authorised_representative={"name": "EU Rep GmbH"}))
    assert half.missing == ["authorised_representative"]
    full = check_statement(payload(authorised_representative={"name": "EU Rep GmbH",
                                                              "address": "Berlin"}))
    assert full.missing == [] and full.values["authorised_representative"]["name"] == \
        "EU Rep GmbH"


def test_a_requirement_not_fully_met_needs_its_reason(ctx):
    gspr = {"conforms": True, "not_fully_met": [{"requirement": "Annex I §14.2"}]}
    assert check_statement(payload(gspr=gspr)).missing == ["gspr_not_fully_met"]
    gspr["not_fully_met"][0]["reason"] = "Prescribed rigidity exceeds the standard"
    checked = check_statement(payload(gspr=gspr))
    assert checked.missing == [] and checked.values["gspr_not_fully_met"][0]["reason"]


def test_a_statement_of_non_conformity_is_refused(ctx):
    checked = check_statement(payload(gspr={"conforms": False}))
    assert [e.field for e in checked.errors] == ["gspr.conforms"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"device": {**COMPLETE["device"], "family": "spaceship"}}, "device.family"),
    ({"device": {**COMPLETE["device"], "class": "IV"}}, "device.class"),
    ({"delivery_date": "02/11/2026"}, "delivery_date"),
    ({"delivery_date": 20261102}, "delivery_date"),
    ({"handover_date": "2026-10-01"}, "handover_date"),
    ({"medicinal_substance": "no"}, "medicinal_substance"),
    ({"characteristics": 12}, "characteristics"),
    ({"patient_language": "de-CH"}, "patient_language"),
    ({"manufacturer": "Atelier A"}, "manufacturer"),
    ({"colour": "blue"}, "colour"),
    ({"gspr": {"conforms": True, "not_fully_met": [{"requirement": "x", "why": "y"}]}},
     "gspr.not_fully_met[0].why"),
    ({"device": {**COMPLETE["device"], "colour": "red"}}, "device.colour"),
    ({"device": {**COMPLETE["device"], "implantable": True}}, "device.class"),
    ({"patient_code": "Jan Peeters"}, "patient_code"),
    ({"external_id": None}, "external_id"),
])
def test_a_malformed_field_refuses_the_statement_naming_it(ctx, changes, field):
    checked = check_statement(payload(**changes))
    assert field in [e.field for e in checked.errors]


@pytest.mark.parametrize("number", ["85.07.30-033.28", "85073003328", "850730 033 28",
                                    "01.02.03-045.26"])
def test_national_register_numbers_are_recognised(number):
    assert contains_national_number(f"patient {number}")


@pytest.mark.parametrize("text", ["85.07.30-033.29", "8507300332", "ORD-2026-0001",
                                  "SN-0042", "+32 2 555 12 34"])
def test_other_numbers_are_not(text):
    assert not contains_national_number(text)
    assert not is_national_number("850730033299")


@pytest.mark.parametrize(("changes", "field"), [
    ({"patient_code": "85073003328"}, "patient_code"),
    ({"characteristics": "For 85.07.30-033.28, left knee"}, "characteristics"),
    ({"manufacturing_sites": [{"name": "A", "address": "01.02.03-045.26"}]},
     "manufacturing_sites[0].address"),
    ({"patient_name": "Jan Peeters"}, "patient_name"),
    ({"nom_patient": "Dupont"}, "nom_patient"),
    ({"rijksregisternummer": "x"}, "rijksregisternummer"),
    ({"prescriber": {"name": "Dr. X", "patient_first_name": "Jan"}},
     "prescriber.patient_first_name"),
])
def test_patient_identifiers_are_refused_naming_the_field(ctx, changes, field):
    checked = check_statement(payload(**changes))
    assert field in [e.field for e in checked.errors]
    message = next(e.message for e in checked.errors if e.field == field)
    assert field in message and "national register" in message
