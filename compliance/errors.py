"""Domain errors and the HTTP error pages."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


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


def cookie_refused_over_http() -> bool:
    """A form posted over plain HTTP without the session cookie while cookies are sent
    over HTTPS only (SESSION_COOKIE_SECURE): the browser kept the cookie to itself, so
    the form's token cannot match — the address, not the form, is the problem."""
    return (request.method == "POST" and not request.is_secure
            and bool(current_app.config.get("SESSION_COOKIE_SECURE"))
            and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
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
        text = _l("The form had expired or came from elsewhere. Nothing was changed: "
                  "please go back, reload the page and try again.")
        return render_template("errors.html", code=400, title=_l("Form expired"), text=text), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500] if code >= 500
                                      else (error.name, error.description))
        return render_template("errors.html", code=code, title=title, text=text), code
