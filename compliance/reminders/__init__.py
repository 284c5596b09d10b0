"""The reminders blueprint (notices, calendar feed); routes in views.py."""

from flask import Blueprint

bp = Blueprint("reminders", __name__)
