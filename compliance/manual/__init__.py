"""The manual blueprint; its routes are in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("manual", __name__, url_prefix="/manual")
