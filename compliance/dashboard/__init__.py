"""The dashboard blueprint; routes in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
