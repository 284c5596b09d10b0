"""Domain errors and the HTTP error pages.

A fault (the database unreachable or read-only, an unexpected error) is answered with a
page that needs nothing but the request: no user loaded from the database, no count of
notices. It is rendered straight from the template, in the language the request already
knows (the user's as loaded before the fault, the one chosen before login, the
browser's), so the error page itself cannot fail the way the request did.
"""

from __future__ import annotations

import contextlib
import logging

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from compliance.i18n import DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the product was broken; the message is shown to the person as it is."""

    def __init__(self, message: object):
        self.message = message
        super().__init__(message)


class Conflict(DomainError):
    """Someone else saved the same thing since the form was loaded; nothing was
    overwritten (answered with 409)."""


class KeptRefusal(DomainError):
    """A refusal whose record must be kept although the change is refused (a failed
    login counts towards throttling): the request's writes are committed."""


CONFLICT_TEXT = _l("Someone else changed this meanwhile. Nothing was changed: look at it "
                   "again and retry.")


def require(valid: bool, message: object) -> None:
    """A form that did not validate is a broken rule like any other."""
    if not valid:
        raise DomainError(message)


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your role does not give access to this page.")),
    404: (_l("Page not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("File too large"), _l("The file is larger than the maximum allowed.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"),
          _l("Nothing was changed. Please try again; if it happens again, tell the "
             "association.")),
}

# --- database faults -------------------------------------------------------------------------

UNAVAILABLE, READ_ONLY, CONFLICT = "unavailable", "read_only", "conflict"
#: SQLSTATE classes: connection exception, insufficient resources, operator intervention.
UNAVAILABLE_STATES = ("08", "53", "57")
#: SQLite primary result codes: busy, locked, I/O error, full, cannot open.
SQLITE_UNAVAILABLE = {5, 6, 10, 13, 14}
SQLITE_READONLY = 8
SQLITE_UNIQUE = {1555, 2067}  # primary key, unique
FAULT_STATUS = {UNAVAILABLE: 503, READ_ONLY: 503, CONFLICT: 409}
FAULT_TEXTS = {
    UNAVAILABLE: (_l("Temporarily unavailable"),
                  _l("The database cannot be reached just now. Please try again in a few "
                     "minutes.")),
    READ_ONLY: (_l("Read-only for maintenance"),
                _l("The application is read-only for maintenance just now: pages can be "
                   "read but nothing can be saved. Please try again later.")),
    CONFLICT: (_l("Saved by someone else meanwhile"), CONFLICT_TEXT),
}
NOTHING_CHANGED = _l("Nothing was changed: what you sent was not saved.")


# --- problem details (RFC 9457), for the API -------------------------------------------------

#: Requests under this path are answered with problem details, never with an HTML page.
API_PREFIX = "/api/"
PROBLEM_TYPE = "application/problem+json"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem_response(status: int, title: object, detail: object = None,
                     type_: str = "about:blank", **extensions: object) -> Response:
    """An RFC 9457 problem: type, title, status, detail, and any extension members."""
    body: dict[str, object] = {"type": type_, "title": str(title), "status": status}
    if detail is not None:
        body["detail"] = str(detail)
    body.update(extensions)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    response.headers["Cache-Control"] = "no-store"
    return response


def database_fault(error: BaseException | None) -> str | None:
    """What kind of database fault ``error`` is: unavailable, read_only, conflict (a race
    the database caught: a unique row created meanwhile, a deadlock, a serialisation
    failure), or None (a programming error)."""
    if isinstance(error, StaleDataError):
        return CONFLICT
    if isinstance(error, sa_exc.TimeoutError):  # no connection free in the pool
        return UNAVAILABLE
    if not isinstance(error, sa_exc.DBAPIError):
        return None
    if error.connection_invalidated:
        return UNAVAILABLE
    state = getattr(error.orig, "sqlstate", None)
    if state:
        if state == "25006":
            return READ_ONLY
        if state == "23505" or state.startswith("40"):
            return CONFLICT
        return UNAVAILABLE if state[:2] in UNAVAILABLE_STATES else None
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        if code in SQLITE_UNIQUE:
            return CONFLICT
        if code & 0xFF == SQLITE_READONLY:
            return READ_ONLY
        return UNAVAILABLE if code & 0xFF in SQLITE_UNAVAILABLE else None
    return UNAVAILABLE if isinstance(error, sa_exc.OperationalError) else None


def _fault_language() -> str:
    """The request's language without asking the database: the user's setting if the
    user was loaded before the fault, else the session's choice, else the browser's."""
    if g.get("user_language") in LANGUAGES:  # set when the user was loaded
        return g.user_language
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def _rollback_quietly() -> None:
    from compliance.extensions import db

    with contextlib.suppress(Exception):  # the connection may be gone: nothing to undo
        db.session.rollback()


def fault_response(kind: str | None) -> Response:
    """The page (or JSON, for the page's script) of a fault, rendered without the
    database; 503 (with Retry-After) when it is unavailable or read-only."""
    language = _fault_language()
    _rollback_quietly()
    status = FAULT_STATUS.get(kind or "", 500)
    title, text = FAULT_TEXTS.get(kind or "", ERROR_TEXTS[500])
    with force_locale(language):
        message = str(text)
        if kind in (UNAVAILABLE, READ_ONLY) and request.method not in ("GET", "HEAD"):
            message = f"{NOTHING_CHANGED} {message}"
        if is_api_request():
            response = problem_response(status, title, message)
        elif request.accept_mimetypes.best == "application/json":
            response = jsonify(saved=False, message=message)
        else:
            html = current_app.jinja_env.get_template("fault.html").render(
                code=status, title=str(title), text=message, language=language)
            response = Response(html, mimetype="text/html")
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = "60"
    return response


def cookie_refused_over_http() -> bool:
    """A form posted over plain HTTP without the session cookie while cookies are sent
    over HTTPS only (SESSION_COOKIE_SECURE): the browser kept the cookie to itself, so
    the form's token cannot match — the address, not the form, is the problem."""
    return (request.method == "POST" and not request.is_secure
            and bool(current_app.config.get("SESSION_COOKIE_SECURE"))
            and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies)


def register_error_handlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError  # the pages' only: commands start without it

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        """A form posted over plain HTTP to a site whose cookie is HTTPS-only says so. A
        form left open until its session ended (a login page overnight...): when the same
        address shows the form, it comes back fresh with a message, rather than an error
        page. Forms whose input is worth keeping check their token themselves
        (compliance.form_posts.form_expired) and come back with it."""
        if cookie_refused_over_http():
            app.logger.warning(
                "%s %s over plain HTTP without the session cookie, which SESSION_COOKIE_SECURE "
                "sends over HTTPS only: serve the site over HTTPS (behind a proxy, set "
                "TRUSTED_PROXIES so that its X-Forwarded-Proto is believed)",
                request.method, request.path)
            text = _l("This site works over a secure connection only, and this page was "
                      "opened over plain HTTP, so your browser did not send what the form "
                      "needs. Nothing was changed: open the site's address with https:// "
                      "and try again.")
            title = _l("Secure connection needed")
            return render_template("errors.html", code=400, title=title, text=text), 400
        rule = request.url_rule
        if rule is not None and "GET" in (rule.methods or ()):
            flash(_l("The page had expired, so nothing was sent: it is loaded again below. "
                     "Please fill it in once more."), "error")
            return redirect(request.full_path if request.query_string else request.path,
                            code=303)
        text = _l("The form had expired or came from elsewhere. Nothing was changed: "
                  "please go back, reload the page and try again.")
        return render_template("errors.html", code=400, title=_l("Form expired"), text=text), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code >= 500:
            return fault_response(None)
        title, text = ERROR_TEXTS.get(code, (error.name, error.description))
        if is_api_request():
            response = problem_response(code, title, text)
            allowed = getattr(error, "valid_methods", None)
            if code == 405 and allowed:
                response.headers["Allow"] = ", ".join(allowed)
            return response
        return render_template("errors.html", code=code, title=title, text=text), code

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    @app.errorhandler(StaleDataError)
    def database_error(error: Exception):
        kind = database_fault(error)
        if kind is None:
            raise error  # a programming error: the 500 page, logged
        log.warning("database fault (%s) on %s %s: %s", kind, request.method, request.path,
                    error)
        return fault_response(kind)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        """Also reached when an error handler itself failed (a page that needed the
        database while it went away): its original exception says which."""
        return fault_response(database_fault(error.original_exception))
