"""API tokens of a member: made by a member manager, shown once, kept as a hash, revoked
by the manager or by staff; the API (compliance.api) authenticates with them. Routes in
views.py."""

from flask import Blueprint

bp = Blueprint("tokens", __name__, url_prefix="/tokens")
