"""Reading the fields of a write (multipart form): each refusal names its field."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l

from compliance.api.problems import ApiProblem, problem


def refused(field: str, detail: object) -> ApiProblem:
    return problem(422, _l("Invalid field"), detail, kind="invalid-field", field=field)


def text(field: str, *, required: bool = False, max_length: int = 200) -> str:
    value = (request.form.get(field) or "").strip()
    if required and not value:
        raise refused(field, _l("%(field)s is required.", field=field))
    if len(value) > max_length:
        raise refused(field, _l("%(field)s has at most %(max)d characters.", field=field,
                                max=max_length))
    return value


def day(field: str) -> date | None:
    value = (request.form.get(field) or "").strip()
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
            for part in value.split(",") if part.strip()]


def files(field: str) -> list:  # noqa: ANN201 - werkzeug FileStorage
    return [f for f in request.files.getlist(field) if f and f.filename]
