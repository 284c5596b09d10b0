"""The start page after login: where each role goes next."""

from flask import jsonify, render_template
from flask_login import current_user, login_required

from compliance import clock
from compliance.assessments.queries import (
    progress_by_chapter,
    total_progress,
    visible_assessments,
)
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.dashboard.member import member_dashboard
from compliance.home import bp
from compliance.manual.queries import latest_version
from compliance.panels import collect
from compliance.permissions import is_reviewer_of
from compliance.signals import home_panels

HOME_ASSESSMENTS = 8


@bp.route("/")
@login_required
def index():
    panels = collect(home_panels, current_user)
    if current_user.member_id:
        assessments = visible_assessments(current_user)
        return render_template("dashboard/member.html", manual=latest_version(), panels=panels,
                               **member_dashboard(current_user, assessments, clock.today()))
    everything = visible_assessments(current_user)
    # What waits for this person's pre-audit comes first, whatever its campaign.
    to_review = [a for a in everything if ASSESSMENT_FLOW.is_in(a, "reviewable")
                 and is_reviewer_of(current_user, a.member)]
    first = {a.id for a in to_review}
    assessments = (to_review + [a for a in everything if a.id not in first])[
        :HOME_ASSESSMENTS]
    progress = progress_by_chapter([a.id for a in assessments])
    totals = {a.id: total_progress(progress, a.id) for a in assessments}
    return render_template("home/index.html", manual=latest_version(), user=current_user,
                           assessments=assessments, totals=totals, panels=panels,
                           to_review=to_review[:HOME_ASSESSMENTS],
                           waiting=len(to_review))


@bp.route("/healthz")
def health():
    """For the load balancer and the operator: each dependency named, 503 when one fails
    (JSON, never a page: it must answer while the database is away)."""
    from compliance.home.health import health as checks

    body, status = checks()
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
