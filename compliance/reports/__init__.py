"""PDF reports: the self-assessment, the pre-audit and the sector readiness report.

``data.py`` builds each report's data as plain dataclasses, ``renderers.py`` turns them
into PDF with the layout of ``pdf.py``; routes in views.py (imported by create_app), the
command line in cli.py.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
