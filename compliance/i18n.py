"""Languages: the user's setting, else the one chosen before login, else the browser's."""

from __future__ import annotations

from flask import has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGES = ("fr", "nl", "en")
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
# Neither French nor Dutch is a neutral default in Belgium; English is.
DEFAULT_LANGUAGE = "en"


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
