"""Staff pages for the accounts of every role (the models live in compliance.auth). Routes: views.py."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/users")
