"""Addresses of the application's pages, in a request or outside one (the reminder pass
writes links into e-mails and notices): always built from the routes, never by hand."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def path_for(endpoint: str, **values: Any) -> str:
    """The page's path (with its query string), from the application's root."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(path: str) -> str:
    """A path made absolute with BASE_URL, for e-mails and calendars."""
    return current_app.config["BASE_URL"].rstrip("/") + path
