"""The evidence blueprint; routes in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/evidence")
