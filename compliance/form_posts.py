"""One way to finish a form post: the request's one change goes through a service, then
one commit; or a rollback and the form's page again, with what the person typed, the
reason, and 400 (a rule was broken) or 409 (someone saved in between).

Views never commit themselves: they call :func:`finish_post` (or :func:`save_row` for
the rows saved in place on long pages: answers and verdicts).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import ValidationError

from compliance.errors import (
    CONFLICT,
    CONFLICT_TEXT,
    Conflict,
    DomainError,
    KeptRefusal,
    database_fault,
    require,
)
from compliance.extensions import db

T = TypeVar("T")
#: Renders the form's page again: (the message, the HTTP status) → response.
Failed = Callable[[str, int], ResponseReturnValue]
log = logging.getLogger(__name__)


def status_of(error: DomainError) -> int:
    return getattr(error, "status", None) or (409 if isinstance(error, Conflict) else 400)


def finish_post(change: Callable[[], T], *, done: Callable[[T], ResponseReturnValue],
                failed: Failed) -> ResponseReturnValue:
    """Run ``change``; commit and answer ``done(result)``, or roll back and answer
    ``failed(message, status)``. A race the database caught (a revision that moved, a
    unique row created meanwhile) is a 409 like any other conflict."""
    try:
        result = change()
        db.session.flush()
    except KeptRefusal as exc:
        db.session.commit()
        return failed(str(exc.message), status_of(exc))
    except DomainError as exc:
        db.session.rollback()
        return failed(str(exc.message), status_of(exc))
    except (StaleDataError, IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and database_fault(exc) != CONFLICT:
            raise  # the database is away: the fault page says nothing was changed
        db.session.rollback()  # a deadlock or serialisation failure is a race too
        log.info("conflict on %s: %s", request.path, type(exc).__name__)
        return failed(str(CONFLICT_TEXT), 409)
    db.session.commit()
    return done(result)


def redirect_with(message: str, target: str, category: str = "success") -> ResponseReturnValue:
    flash(message, category)
    return redirect(target)


def form_errors(form: FlaskForm) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


FORM_EXPIRED = _l("This page had expired (you logged in again, or in another tab): nothing "
                  "was saved. What you typed is kept below: check it and save again.")


def form_expired() -> bool:
    """The post's CSRF token is no longer valid. Views exempted from the global check
    (``csrf.exempt``) call this first, to refuse the post with the input kept instead of
    the bare error page."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return True
    return False


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def save_row(form: FlaskForm, save: Callable[[], Any], *, saved: str, back_to: str,
             page: Failed, json: Callable[[Any], dict[str, Any]]) -> ResponseReturnValue:
    """Save one row of a long page (an answer, a verdict): in place for the page's
    script (JSON), or as a plain post that comes back to the row; a refusal re-renders
    the page with the row's input and message."""
    as_json = wants_json()

    def change() -> Any:
        require(form.validate_on_submit(), form_errors(form))
        return save()

    def done(record: Any) -> ResponseReturnValue:
        if as_json:
            return jsonify(saved=True, message=_("Saved."), **json(record))
        return redirect_with(saved, back_to)

    def failed(message: str, status: int) -> ResponseReturnValue:
        if as_json:
            return jsonify(saved=False, message=message), status
        return page(message, status)

    return finish_post(change, done=done, failed=failed)


__all__ = ["FORM_EXPIRED", "Conflict", "finish_post", "form_errors", "form_expired",
           "redirect_with", "save_row"]
