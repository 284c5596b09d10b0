"""The members blueprint; its routes are in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")
