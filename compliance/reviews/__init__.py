"""The reviews blueprint; routes in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
