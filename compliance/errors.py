"""Domain errors and the HTTP error pages."""

from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request
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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        """A form left open until its session ended (a login page overnight...): when
        the same address shows the form, it comes back fresh with a message, rather than
        an error page. Forms whose input is worth keeping check their token themselves
        (compliance.form_posts.form_expired) and come back with it."""
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
        title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500] if code >= 500
                                      else (error.name, error.description))
        return render_template("errors.html", code=code, title=title, text=text), code
