"""What a statement must never carry (data minimisation, GDPR): a patient's name or
Belgian national register number. Pure: no Flask, no database.

A national register number has 11 digits, often written ``YY.MM.DD-NNN.CC``: the
first nine then a check number, 97 minus the first nine modulo 97 (for people born
from 2000, ``2`` is put before the nine digits first). A run of 11 digits whose check
number fits is taken for one, however it is punctuated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

NUMBER = re.compile(r"(?<!\d)\d{2}[.\s/-]?\d{2}[.\s/-]?\d{2}[.\s/-]?\d{3}[.\s/-]?\d{2}(?!\d)")
#: Field names that announce a patient's identity (en, fr, nl): a word for the person
#: with a word for a name, in any order, or a name or register number on its own.
PERSON_WORDS = ("patient", "patiënt", "client", "klant", "personne", "persoon", "person")
NAME_WORDS = ("name", "nom", "naam")
IDENTITY_FIELD = re.compile(
    r"^(name|nom|naam|first_?name|last_?name|surname|prenom|prénom|voornaam|achternaam)$"
    r"|national|rijksregister|registre|niss|insz|^nrn$|^rrn$|ssin|social_security",
    re.IGNORECASE)


def is_national_number(digits: str) -> bool:
    """11 digits whose last two are the check number of the first nine."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    first, check = int(digits[:9]), int(digits[9:])
    return check in (97 - first % 97, 97 - (2_000_000_000 + first) % 97)


def contains_national_number(text: str) -> bool:
    return any(is_national_number(re.sub(r"\D", "", match.group()))
               for match in NUMBER.finditer(text))


def looks_like_identity_field(name: str) -> bool:
    lowered = name.lower()
    return bool(IDENTITY_FIELD.search(lowered)) or (
        any(word in lowered for word in PERSON_WORDS)
        and any(word in lowered for word in NAME_WORDS))


def strings_in(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text in a JSON value with its path (``prescriber.name``, ``sites[0].address``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{path}[{index}]")


def national_number_fields(payload: Any) -> list[str]:
    """The paths of the texts that look like a national register number."""
    return [path for path, text in strings_in(payload) if contains_national_number(text)]
