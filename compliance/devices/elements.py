"""The elements of a device statement (MDR Annex XIII §1) and the words for them.

Each element has a key (the payload's field, also the code stored in a statement's list
of what is missing) and a label in the reader's language. The families, classes and
languages are the values a practice program may send.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: Device families of a Belgian orthopaedic workshop (custom-made devices).
FAMILY_LABELS = {
    "orthosis": _l("Orthosis"),
    "prosthesis": _l("Prosthesis"),
    "footwear": _l("Orthopaedic footwear"),
    "insole": _l("Insole"),
    "compression": _l("Compression garment"),
    "seating": _l("Seating and mobility aid"),
    "other": _l("Other device"),
}
FAMILIES = tuple(FAMILY_LABELS)
#: MDR classes (Annex VIII).
CLASSES = ("I", "IIa", "IIb", "III")
#: Languages in which a statement is given to the patient (and printed).
PATIENT_LANGUAGES = ("fr", "nl", "en")
LANGUAGE_LABELS = {"fr": _l("French"), "nl": _l("Dutch"), "en": _l("English")}

#: Element key → label: the Annex XIII §1 elements and the register's own.
ELEMENT_LABELS = {
    "manufacturer_name": _l("Manufacturer's name"),
    "manufacturer_address": _l("Manufacturer's address"),
    "manufacturing_sites": _l("Manufacturing sites"),
    "authorised_representative": _l("Authorised representative"),
    "device_description": _l("Data identifying the device"),
    "device_identifier": _l("Device number (serial or order)"),
    "patient_code": _l("Pseudonymous patient code"),
    "prescriber_name": _l("Prescriber's name"),
    "prescriber_qualification": _l("Prescriber's qualification"),
    "health_institution": _l("Health institution"),
    "characteristics": _l("Specific characteristics as prescribed"),
    "gspr_conforms": _l("Statement of conformity with the general safety and performance "
                        "requirements"),
    "gspr_not_fully_met": _l("Requirements not fully met, and why"),
    "medicinal_substance": _l("Incorporates a medicinal substance"),
    "tissues_or_cells": _l("Incorporates tissues or cells of human or animal origin"),
    "device_family": _l("Device family"),
    "device_class": _l("Device class"),
    "implantable": _l("Implantable"),
    "delivery_date": _l("Delivery date"),
    "handover_date": _l("Handover date"),
    "patient_language": _l("Language given to the patient"),
    "external_id": _l("External identifier"),
}

#: Elements a complete statement must have (Annex XIII §1 and the register's own).
#: The authorised representative, the health institution, the handover date and the
#: list of requirements not fully met are checked only where they apply.
REQUIRED = ("manufacturer_name", "manufacturer_address", "manufacturing_sites",
            "device_description", "device_identifier", "patient_code", "prescriber_name",
            "prescriber_qualification", "characteristics", "gspr_conforms",
            "medicinal_substance", "tissues_or_cells", "device_family", "device_class",
            "delivery_date", "patient_language")


def label(key: str) -> str:
    return str(ELEMENT_LABELS.get(key, key))


def family_label(key: str | None) -> str:
    return str(FAMILY_LABELS.get(key or "", "—"))
