"""Addresses of the application's pages, in a request or outside one (the reminder pass
writes links into e-mails and notices): always built from the routes, never by hand."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def path_for(endpoint: str, **values: Any) -> str:
    """The page's path (with its query string), from the application's root."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(path: str) -> str:
    """A path made absolute with BASE_URL, for e-mails and calendars."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def safe_next(target: str | None, default: str) -> str:
    """Where to go after a form (``next``): only a path on this site, never an open
    redirect, and never a control character (a CR/LF would end the Location header)."""
    if not target or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    try:
        parts = urlsplit(target)
    except ValueError:  # "/[" and the like
        return default
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def referrer_path() -> str | None:
    """The path of the page the request came from, if the browser said and it parses."""
    try:
        return urlsplit(request.referrer).path if request.referrer else None
    except ValueError:
        return None
