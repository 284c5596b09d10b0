"""User administration: staff manage the accounts of every role (accounts themselves,
logging in and one's own settings are compliance.auth); routes in views.py."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/users")
