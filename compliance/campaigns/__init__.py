"""The campaigns blueprint; routes in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
