"""The assessments blueprint; routes in views.py (imported by create_app)."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessments")
