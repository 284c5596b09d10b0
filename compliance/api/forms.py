"""Reading the fields of a write (multipart form): each refusal names its field."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l

from compliance.api.problems import ApiProblem, problem


def refused(field: str, detail: object) -> ApiProblem:
    return problem(422, _l("Invalid field"), detail, kind="invalid-field", field=field)


def _value(field: str, value: str | None) -> str:
    """A field's text; control characters (a NUL byte...) are refused, not stored."""
    value = value or ""
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise refused(field, _l("%(field)s contains control characters.", field=field))
    return value.strip()


def text(field: str, *, required: bool = False, max_length: int = 200) -> str:
    value = _value(field, request.form.get(field))
    if required and not value:
        raise refused(field, _l("%(field)s is required.", field=field))
    if len(value) > max_length:
        raise refused(field, _l("%(field)s has at most %(max)d characters.", field=field,
                                max=max_length))
    return value


def day(field: str) -> date | None:
    value = _value(field, request.form.get(field))
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refused(field, _l("%(field)s must be a date written YYYY-MM-DD.",
                                field=field)) from None


def listed(field: str) -> list[str]:
    """A repeated field, or one value with commas: ``requirements=ORG-01,ORG-02``."""
    return [part.strip() for value in request.form.getlist(field)
            for part in _value(field, value).split(",") if part.strip()]


def files(field: str) -> list:  # noqa: ANN201 - werkzeug FileStorage
    return [f for f in request.files.getlist(field) if f and f.filename]
