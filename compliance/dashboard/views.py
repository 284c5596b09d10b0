"""Dashboards: the sector picture for staff and consultants, with a CSV export."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from compliance import clock
from compliance.assessments.models import STATE_LABELS
from compliance.campaigns.queries import campaigns_query
from compliance.csv_export import csv_format, csv_response
from compliance.dashboard import bp
from compliance.dashboard.figures import sector_charts
from compliance.dashboard.sector import sector_picture
from compliance.dashboard.trend import readiness_trend
from compliance.extensions import db
from compliance.i18n import current_language
from compliance.members.models import REGION_LABELS, Region
from compliance.permissions import can_view_sector, is_staff
from compliance.profile import ACTIVITY_FLAGS, ACTIVITY_LABELS
from compliance.reviews.models import READINESS_LABELS

CSV_COLUMNS = (_l("Code"), _l("Name"), _l("Region"), _l("Activities"), _l("State"),
               _l("Answered"), _l("Applicable"), _l("Progress (%)"), _l("Self-assessment score"),
               _l("Consultant score"), _l("Readiness"), _l("Open actions"),
               _l("Overdue actions"))


def _picture(rows_only: bool = False):
    if not can_view_sector(current_user):
        abort(403)
    campaigns = db.session.scalars(campaigns_query()).all()
    campaign_id = request.args.get("campaign", type=int)
    campaign = next((c for c in campaigns if c.id == campaign_id), None) if campaign_id \
        else (campaigns[0] if campaigns else None)
    if campaign_id and campaign is None:
        abort(404)
    region = request.args.get("region") or None
    activity = request.args.get("activity") or None
    if region not in (None, *[r.value for r in Region]) or \
            (activity is not None and activity not in ACTIVITY_FLAGS):
        abort(400)
    member_ids = None if is_staff(current_user) else [m.id for m in
                                                      current_user.assigned_members]
    picture = sector_picture(campaign, member_ids=member_ids, region=region,
                             activity=activity, today=clock.today(), rows_only=rows_only)
    return picture, campaigns, region, activity


@bp.route("/sector")
@login_required
def sector():
    picture, campaigns, region, activity = _picture()
    show_names = request.args.get("names") == "1"
    figures = None
    if picture.rows:
        filtered = region or activity or not is_staff(current_user)
        trend = readiness_trend(picture.campaign, [r.member_id for r in picture.rows]
                                if filtered else None)
        figures = sector_charts(picture, trend, show_names)
    return render_template("dashboard/sector.html", picture=picture, campaigns=campaigns,
                           region=region, activity=activity, names=_label_names(),
                           figures=figures, show_names=show_names)


def _label_names() -> dict[str, dict[str, str]]:
    """Each label translated once per page, not once per member row."""
    return {"region": {k.value: str(v) for k, v in REGION_LABELS.items()},
            "state": {k.value: str(v) for k, v in STATE_LABELS.items()},
            "readiness": {k: str(v) for k, v in READINESS_LABELS.items()}}


@bp.route("/sector.csv")
@login_required
def sector_csv():
    """The member table for a spreadsheet, in the reader's words (see csv_export)."""
    picture, _, region, activity = _picture(rows_only=True)
    names = _label_names()
    activities = {k.value: str(v) for k, v in ACTIVITY_LABELS.items()}
    rows = ([row.code, row.name, names["region"].get(row.region, row.region),
             ", ".join(activities.get(a, a) for a in row.activities),
             names["state"].get(row.state, row.state), row.answered, row.included, row.percent,
             row.self_score, row.consultant_score,
             names["readiness"].get(row.readiness or "", row.readiness), row.open_actions,
             row.overdue_actions] for row in picture.rows)
    name = f"sector-{picture.campaign.id if picture.campaign else 'none'}.csv"
    return csv_response(name, CSV_COLUMNS, rows,
                        csv_format(current_language(), request.args.get("sep")))
