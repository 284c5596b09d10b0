"""Staff pages for the accounts of every role; models in compliance.auth, routes in views.py."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/users")
