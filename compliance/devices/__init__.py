"""Device statements (MDR Annex XIII §1) sent by a workshop's practice program, and
their register. Sits above reports: it adds its figures to the checklist and the
pre-audit through the requirement-facts signal (listeners.py), never the other way."""

from flask import Blueprint

bp = Blueprint("devices", __name__)
