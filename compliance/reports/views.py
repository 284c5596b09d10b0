"""Downloading the reports: the same rights as the data they hold.

A member gets its own reports, a consultant those of its assigned members, staff all;
another member's assessment is a 404. The pre-audit report waits for the pre-audit to
be completed, except for its reviewers, who get a preview (marked as such). The sector
report is for staff (every member, optionally with names) and consultants (their
members, anonymised). Generating a report changes nothing, so the forms use GET.
"""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from compliance import clock
from compliance.assessments.queries import get_assessment_or_404, visible_assessments
from compliance.assessments.workflow import ASSESSMENT_FLOW, can_see_verdicts
from compliance.campaigns.models import Campaign
from compliance.campaigns.queries import campaigns_query
from compliance.extensions import db
from compliance.i18n import LANGUAGES, current_language
from compliance.permissions import can_view_sector, is_staff
from compliance.reports import bp
from compliance.reports.common import render_report
from compliance.reports.pre_audit import build_pre_audit_report
from compliance.reports.sector import build_sector_report
from compliance.reports.self_assessment import build_self_assessment_report

REPORTS = ("self_assessment", "pre_audit", "sector")


def _language() -> str:
    language = request.args.get("lang") or current_language()
    if language not in LANGUAGES:
        abort(400)
    return language


def _pdf(content: bytes, filename: str):
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                         download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def may_get_pre_audit_report(user, assessment) -> bool:  # noqa: ANN001
    """Its reviewers always (a preview until completed); the member once completed."""
    return can_see_verdicts(user, assessment)


@bp.route("/")
@login_required
def index():
    assessments = visible_assessments(current_user)
    pre_audits = [a for a in assessments if may_get_pre_audit_report(current_user, a)
                  and ASSESSMENT_FLOW.is_in(a, "reviewed")]
    campaigns = db.session.scalars(campaigns_query()).all() if can_view_sector(current_user) \
        else []
    return render_template("reports/index.html", assessments=assessments,
                           pre_audits=pre_audits, campaigns=campaigns,
                           language=current_language(), may_name=is_staff(current_user))


@bp.route("/generate")
@login_required
def generate():
    """Where the forms of the reports page go: on to the report's own address."""
    report, language = request.args.get("report"), _language()
    if report in ("self_assessment", "pre_audit"):
        assessment_id = request.args.get("assessment", type=int)
        if assessment_id:
            return redirect(url_for(f"reports.{report}", assessment_id=assessment_id,
                                    lang=language))
    elif report == "sector":
        campaign_id = request.args.get("campaign", type=int)
        if campaign_id:
            names = "1" if request.args.get("names") == "1" else None
            return redirect(url_for("reports.sector", campaign_id=campaign_id,
                                    lang=language, names=names))
    flash(_("Choose a report and what it is about."), "error")
    return redirect(url_for("reports.index"))


@bp.route("/self-assessment/<int:assessment_id>.pdf")
@login_required
def self_assessment(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, current_user)
    language = _language()
    pdf = render_report(build_self_assessment_report(assessment, language))
    return _pdf(pdf, f"self-assessment-{assessment.member.code}-"
                     f"{assessment.campaign_id}-{language}.pdf")


@bp.route("/pre-audit/<int:assessment_id>.pdf")
@login_required
def pre_audit(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, current_user)
    if not may_get_pre_audit_report(current_user, assessment):
        abort(404)  # not completed yet: for the member, there is no report
    language = _language()
    pdf = render_report(build_pre_audit_report(assessment, language))
    return _pdf(pdf, f"pre-audit-{assessment.member.code}-"
                     f"{assessment.campaign_id}-{language}.pdf")


@bp.route("/sector/<int:campaign_id>.pdf")
@login_required
def sector(campaign_id: int):
    if not can_view_sector(current_user):
        abort(403)
    campaign = db.session.scalar(select(Campaign).where(Campaign.id == campaign_id))
    if campaign is None:
        abort(404)
    names = request.args.get("names") == "1"
    if names and not is_staff(current_user):
        abort(403)  # names are for association staff only
    member_ids = None if is_staff(current_user) else \
        [m.id for m in current_user.assigned_members]
    language = _language()
    data = build_sector_report(campaign, language, anonymised=not names,
                               member_ids=member_ids, today=clock.today())
    suffix = "names" if names else "anonymised"
    return _pdf(render_report(data), f"sector-{campaign.id}-{suffix}-{language}.pdf")
