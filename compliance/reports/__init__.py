"""PDF reports: the self-assessment, the pre-audit and the sector readiness report.

One module per report (self_assessment.py, pre_audit.py, sector.py) holds its data as
plain dataclasses, the builder that reads them from the database and the renderer that
turns them into PDF; what the reports share is in common.py (the fingerprint, the cover
of an assessment's reports, the words for codes, ``render_report``), the layout in
pdf.py and the tables in listing.py. Routes in views.py (imported by create_app), the
command line in cli.py.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
