"""Requests to the member: a consultant's question on one requirement of a pre-audit (a
missing document, a clarification), answered by the member with text and files. Routes in
views.py; reactions to the features below in listeners.py (both imported by create_app)."""

from flask import Blueprint

bp = Blueprint("requests_", __name__, url_prefix="/requests")
