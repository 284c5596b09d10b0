"""The actions blueprint; routes in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/actions")
