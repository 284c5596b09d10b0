"""The auth blueprint; its routes are in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
