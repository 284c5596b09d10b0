"""Languages: the user's setting, else the one chosen before login, else the browser's."""

from __future__ import annotations

from flask import has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGES = ("fr", "nl", "en")
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
# Neither French nor Dutch is a neutral default in Belgium; English is.
DEFAULT_LANGUAGE = "en"


#: One way to write dates in each language (Flask-Babel's formats): day, month, year and a
#: 24-hour clock — "12 Mar 2026", "12 mrt 2026", "12 mars 2026, 14:05" — in every page
#: and digest, whether a template asks for the default, "short" or "medium".
DATE_FORMATS = {
    "time": "medium", "date": "medium", "datetime": "medium",
    "time.short": "HH:mm", "time.medium": "HH:mm", "time.full": None, "time.long": None,
    "date.short": "d MMM y", "date.medium": "d MMM y", "date.full": None, "date.long": None,
    "datetime.short": "d MMM y, HH:mm", "datetime.medium": "d MMM y, HH:mm",
    "datetime.full": None, "datetime.long": None,
}


def select_locale() -> str:
    if not has_request_context():  # the command line speaks English
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def translated(texts: dict[str, str] | None, language: str | None = None) -> str:
    """The text of a manual field in the reader's language (English if it is missing)."""
    if not texts:
        return ""
    language = language or current_language()
    return texts.get(language) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()))
