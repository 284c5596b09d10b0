"""This browser's session: who is logged in, from which client address."""

from __future__ import annotations

from flask import request, session
from flask_login import current_user, login_user


def client_address() -> str:
    """The client as the server sees it: X-Forwarded-For counts only through the
    TRUSTED_PROXIES setting (ProxyFix), never on a client's word."""
    return request.remote_addr or "unknown"


def me():  # noqa: ANN201
    """The logged-in user itself (not Flask-Login's proxy), for services that record it."""
    return current_user._get_current_object()


def start_session(user) -> None:  # noqa: ANN001
    """Log this browser in for PERMANENT_SESSION_LIFETIME."""
    session.permanent = True
    login_user(user)
