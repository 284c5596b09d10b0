"""A statement payload checked element by element (MDR Annex XIII §1).

Three outcomes for each element: given and well formed (kept), absent or empty (the
statement is kept as incomplete, the element named in its list of what is missing), or
malformed (the whole statement is refused with an error naming the field: a wrong
type, an unknown family, a date that is not one, a field not in the schema). A
patient's name or national register number refuses the statement too, and nothing of
it is stored. Messages are made in the current locale (the caller chooses it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from compliance.devices.elements import CLASSES, FAMILIES, PATIENT_LANGUAGES, REQUIRED
from compliance.devices.identifiers import looks_like_identity_field, national_number_fields
from compliance.devices.schema import OBJECTS, TOP_LEVEL

SHORT, LONG = 200, 4000
PATIENT_CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789-_./")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class Checked:
    """The statement's columns, what is missing (element keys), and the refusals."""

    values: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)

    def refuse(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))


def check_statement(payload: Any) -> Checked:
    """The payload's elements, checked; ``errors`` empty means it may be stored."""
    checked = Checked()
    if not isinstance(payload, dict):
        checked.refuse("", _("A statement must be a JSON object."))
        return checked
    _refuse_identities(payload, checked)
    if checked.errors:  # nothing else is looked at: the statement is not kept
        external_id = payload.get("external_id")
        if isinstance(external_id, str) and "external_id" not in \
                {e.field for e in checked.errors}:
            checked.values["external_id"] = external_id.strip()  # for the client to match
        return checked
    _refuse_unknown(payload, checked)
    reader = _Reader(payload, checked)
    reader.read_all()
    present = {key for key, value in checked.values.items() if value not in (None, "", [])}
    checked.missing = [key for key in REQUIRED if key not in present] + \
        [key for key in ("authorised_representative", "gspr_not_fully_met")
         if key in reader.incomplete]
    return checked


def _refuse_identities(payload: dict[str, Any], checked: Checked) -> None:
    for path in _identity_fields(payload):
        checked.refuse(path, _("“%(field)s”: patient names and national register numbers "
                               "are not accepted; send a pseudonymous patient code.",
                               field=path))
    for path in national_number_fields(payload):
        checked.refuse(path, _("“%(field)s” looks like a national register number: "
                               "nothing was stored. Send a pseudonymous patient code "
                               "and no national register number.", field=path))


def _identity_fields(value: Any, path: str = "", known: frozenset[str] = TOP_LEVEL) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in known and looks_like_identity_field(str(key)):
                found.append(where)
            found += _identity_fields(item, where, OBJECTS.get(str(key), frozenset()))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _identity_fields(item, f"{path}[{index}]", known)
    return found


def _refuse_unknown(payload: dict[str, Any], checked: Checked) -> None:
    for key in payload:
        if key not in TOP_LEVEL:
            checked.refuse(str(key), _("“%(field)s” is not a field of a statement.",
                                       field=key))
    gspr = payload.get("gspr")
    nested = {"gspr.not_fully_met": gspr.get("not_fully_met")} if isinstance(gspr, dict) else {}
    for key, allowed in OBJECTS.items():
        items = nested.get(f"gspr.{key}") if key == "not_fully_met" else payload.get(key)
        for index, item in enumerate(items if isinstance(items, list) else [items]):
            if isinstance(item, dict):
                where = f"{'gspr.' if key == 'not_fully_met' else ''}{key}" + \
                    (f"[{index}]" if isinstance(items, list) else "")
                for name in item:
                    if name not in allowed:
                        checked.refuse(f"{where}.{name}", _(
                            "“%(field)s” is not a field of a statement.",
                            field=f"{where}.{name}"))


class _Reader:
    """Reads each element into ``checked.values`` (None when absent)."""

    def __init__(self, payload: dict[str, Any], checked: Checked):
        self.payload, self.checked = payload, checked
        self.incomplete: set[str] = set()

    def read_all(self) -> None:
        values, p = self.checked.values, self.payload
        values["external_id"] = self.text(p, "external_id", "external_id", SHORT)
        if not values["external_id"]:
            self.checked.refuse("external_id", _("Every statement needs its external "
                                                 "identifier (the program's own number)."))
        maker = self.obj(p, "manufacturer")
        values["manufacturer_name"] = self.text(maker, "name", "manufacturer.name", SHORT)
        values["manufacturer_address"] = self.text(maker, "address", "manufacturer.address",
                                                   LONG)
        values["manufacturing_sites"] = self.sites()
        values["authorised_representative"] = self.representative()
        self.read_device(values, self.obj(p, "device"))
        values["patient_code"] = self.patient_code()
        self.read_prescriber(values, self.obj(p, "prescriber"))
        values["characteristics"] = self.text(p, "characteristics", "characteristics", LONG)
        self.read_gspr(values, self.obj(p, "gspr"))
        values["medicinal_substance"] = self.boolean(p, "medicinal_substance",
                                                     "medicinal_substance")
        values["tissues_or_cells"] = self.boolean(p, "tissues_or_cells", "tissues_or_cells")
        values["delivery_date"] = self.day(p, "delivery_date")
        values["handover_date"] = self.day(p, "handover_date")
        values["patient_language"] = self.choice(p, "patient_language", "patient_language",
                                                 PATIENT_LANGUAGES)
        self.coherence(values)

    def read_device(self, values: dict[str, Any], device: dict[str, Any]) -> None:
        values["device_description"] = self.text(device, "description",
                                                 "device.description", LONG)
        values["device_identifier"] = self.text(device, "identifier", "device.identifier",
                                                SHORT)
        values["device_family"] = self.choice(device, "family", "device.family", FAMILIES)
        values["device_class"] = self.choice(device, "class", "device.class", CLASSES)
        values["implantable"] = bool(self.boolean(device, "implantable",
                                                  "device.implantable"))

    def read_prescriber(self, values: dict[str, Any], prescriber: dict[str, Any]) -> None:
        values["prescriber_name"] = self.text(prescriber, "name", "prescriber.name", SHORT)
        values["prescriber_qualification"] = self.text(
            prescriber, "qualification", "prescriber.qualification", SHORT)
        values["health_institution"] = self.text(
            prescriber, "health_institution", "prescriber.health_institution", SHORT)

    def read_gspr(self, values: dict[str, Any], gspr: dict[str, Any]) -> None:
        conforms = self.boolean(gspr, "conforms", "gspr.conforms")
        if conforms is False:
            self.checked.refuse("gspr.conforms", _(
                "“gspr.conforms” must be true: the statement declares conformity, and lists "
                "in “gspr.not_fully_met” each requirement not fully met with the reason."))
        values["gspr_conforms"] = conforms
        items = gspr.get("not_fully_met")
        if items is None:
            values["gspr_not_fully_met"] = []
            return
        if not isinstance(items, list):
            self.checked.refuse("gspr.not_fully_met", _("“%(field)s” must be a list.",
                                                        field="gspr.not_fully_met"))
            return
        kept = [self.pair(item, f"gspr.not_fully_met[{i}]", ("requirement", "reason"))
                for i, item in enumerate(items)]
        if any(not all(pair.values()) for pair in kept):
            self.incomplete.add("gspr_not_fully_met")
        values["gspr_not_fully_met"] = kept

    def sites(self) -> list[dict[str, str | None]]:
        items = self.payload.get("manufacturing_sites")
        if items is None:
            return []
        if not isinstance(items, list):
            self.checked.refuse("manufacturing_sites", _("“%(field)s” must be a list.",
                                                         field="manufacturing_sites"))
            return []
        kept = [self.pair(item, f"manufacturing_sites[{i}]", ("name", "address"))
                for i, item in enumerate(items)]
        return kept if all(all(site.values()) for site in kept) else []

    def representative(self) -> dict[str, str | None] | None:
        item = self.payload.get("authorised_representative")
        if item is None:
            return None
        kept = self.pair(item, "authorised_representative", ("name", "address"))
        if not all(kept.values()):
            self.incomplete.add("authorised_representative")
        return kept

    def patient_code(self) -> str | None:
        code = self.text(self.payload, "patient_code", "patient_code", 40)
        if code and not set(code) <= PATIENT_CODE_CHARS:
            self.checked.refuse("patient_code", _(
                "“patient_code” must be a pseudonymous code (letters, digits and - _ . /, no "
                "spaces), never the patient's name."))
        return code

    def coherence(self, values: dict[str, Any]) -> None:
        delivered, handed = values["delivery_date"], values["handover_date"]
        if delivered and handed and handed < delivered:
            self.checked.refuse("handover_date", _("The handover date is before the delivery "
                                                   "date."))
        if values["implantable"] and values["device_class"] == "I":
            self.checked.refuse("device.class", _("An implantable device is not class I."))

    # -- one value ------------------------------------------------------------------------
    def obj(self, parent: dict[str, Any], key: str) -> dict[str, Any]:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.checked.refuse(key, _("“%(field)s” must be an object.", field=key))
            return {}
        return value

    def pair(self, item: Any, path: str, keys: tuple[str, str]) -> dict[str, str | None]:
        if not isinstance(item, dict):
            self.checked.refuse(path, _("“%(field)s” must be an object.", field=path))
            return dict.fromkeys(keys)
        return {key: self.text(item, key, f"{path}.{key}", LONG) for key in keys}

    def text(self, parent: dict[str, Any], key: str, path: str, limit: int) -> str | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.checked.refuse(path, _("“%(field)s” must be text.", field=path))
            return None
        if not _storable(value):
            self.checked.refuse(path, _("“%(field)s” contains control characters or "
                                        "invalid characters.", field=path))
            return None
        value = value.strip()
        if len(value) > limit:
            self.checked.refuse(path, _("“%(field)s” is longer than %(limit)d characters.",
                                        field=path, limit=limit))
        return value or None

    def boolean(self, parent: dict[str, Any], key: str, path: str) -> bool | None:
        value = parent.get(key)
        if value is not None and not isinstance(value, bool):
            self.checked.refuse(path, _("“%(field)s” must be true or false.", field=path))
            return None
        return value

    def choice(self, parent: dict[str, Any], key: str, path: str,
               allowed: tuple[str, ...]) -> str | None:
        value = parent.get(key)
        if value in (None, ""):
            return None
        if value not in allowed:
            self.checked.refuse(path, _("“%(field)s” must be one of: %(values)s.",
                                        field=path, values=", ".join(allowed)))
            return None
        return value

    def day(self, parent: dict[str, Any], key: str) -> date | None:
        value = parent.get(key)
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 \
                else _not_a_day()
        except ValueError:
            self.checked.refuse(key, _("“%(field)s” must be a date written YYYY-MM-DD.",
                                       field=key))
            return None


def _storable(value: str) -> bool:
    """No control character but tab and line breaks (a NUL byte...), no lone surrogate
    (not encodable): neither can be stored as text."""
    return not any((ord(c) < 32 and c not in "\t\n\r") or 0xD800 <= ord(c) <= 0xDFFF
                   for c in value)


def _not_a_day() -> date:
    raise ValueError("not a day")
