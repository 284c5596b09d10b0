"""Notifications: e-mails and in-app notices when something happens to a person's work
(an assessment submitted or sent back, a pre-audit signed, a corrective action done or
verified, an invitation accepted). A feature above the ones whose signals it listens to;
routes in views.py, reactions in listeners.py."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
