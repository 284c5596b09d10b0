"""Dashboards: the sector picture for staff and consultants, with a CSV export."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from compliance import clock
from compliance.assessments.models import STATE_LABELS
from compliance.campaigns.queries import campaigns_query
from compliance.dashboard import bp
from compliance.dashboard.sector import sector_picture
from compliance.extensions import db
from compliance.members.models import REGION_LABELS, Region
from compliance.permissions import can_view_sector, is_staff
from compliance.profile import ACTIVITY_FLAGS
from compliance.reviews.models import READINESS_LABELS

CSV_COLUMNS = ("code", "name", "region", "activities", "state", "answered", "applicable",
               "progress_percent", "self_score", "consultant_score", "readiness",
               "open_actions", "overdue_actions")


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
    return render_template("dashboard/sector.html", picture=picture, campaigns=campaigns,
                           region=region, activity=activity, names=_label_names())


def _label_names() -> dict[str, dict[str, str]]:
    """Each label translated once per page, not once per member row."""
    return {"region": {k.value: str(v) for k, v in REGION_LABELS.items()},
            "state": {k.value: str(v) for k, v in STATE_LABELS.items()},
            "readiness": {k: str(v) for k, v in READINESS_LABELS.items()}}


@bp.route("/sector.csv")
@login_required
def sector_csv():
    picture, _, region, activity = _picture(rows_only=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in picture.rows:
        writer.writerow([row.code, row.name, row.region, " ".join(row.activities), row.state,
                         row.answered, row.included, row.percent,
                         _number(row.self_score), _number(row.consultant_score),
                         row.readiness or "", row.open_actions, row.overdue_actions])
    name = f"sector-{picture.campaign.id if picture.campaign else 'none'}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


