"""The self-assessment: the list, an assessment's overview, submission and its return,
history. The checklist is in checklist.py (the page), rows.py (what its rows post) and
answer_evidence.py (one requirement's evidence)."""

from __future__ import annotations

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compliance.assessments import bp, queries, services
from compliance.assessments.forms import ReasonForm
from compliance.assessments.workflow import can_send_back, can_submit
from compliance.errors import require
from compliance.form_posts import finish_post, redirect_with
from compliance.manual.queries import chapters_of
from compliance.panels import collect
from compliance.signals import assessment_history_panels, assessment_panels


@bp.route("/")
@login_required
def index():
    assessments = queries.visible_assessments(current_user)
    progress = queries.progress_by_chapter([a.id for a in assessments])
    totals = {a.id: queries.total_progress(progress, a.id) for a in assessments}
    return render_template("assessments/index.html", assessments=assessments, totals=totals)


@bp.route("/<int:assessment_id>")
@login_required
def show(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return overview_page(assessment)


def overview_page(assessment, message: str | None = None, status: int = 200):  # noqa: ANN001
    if message:
        flash(message, "error")
    progress = queries.progress_by_chapter([assessment.id])
    total = queries.total_progress(progress, assessment.id)
    missing = []
    if can_submit(current_user, assessment) and total.missing:
        missing = queries.unanswered(assessment)
    return render_template(
        "assessments/show.html", assessment=assessment,
        chapters=chapters_of(assessment.campaign.manual_version_id), total=total,
        progress={c: p for (_, c), p in progress.items()}, missing=missing,
        reason_form=ReasonForm(),
        panels=collect(assessment_panels, assessment, user=current_user)), status


@bp.route("/<int:assessment_id>/submit", methods=["POST"])
@login_required
def submit(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not can_submit(current_user, assessment):
        abort(403)
    return finish_post(
        lambda: services.submit_assessment(assessment, actor=current_user),
        done=lambda _result: redirect_with(
            _("Assessment submitted. It is locked until your consultant reviews it."),
            url_for("assessments.show", assessment_id=assessment.id)),
        failed=lambda message, status: overview_page(assessment, message, status))


@bp.route("/<int:assessment_id>/send-back", methods=["POST"])
@login_required
def send_back(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not can_send_back(current_user, assessment):
        abort(403)
    form = ReasonForm()

    def change() -> None:
        require(form.validate_on_submit(), _("Say what must change: a reason is required."))
        services.return_assessment(assessment, reason=form.reason.data, actor=current_user)

    return finish_post(
        change, done=lambda _result: redirect_with(
            _("The assessment was sent back to the member for changes."),
            url_for("assessments.show", assessment_id=assessment.id)),
        failed=lambda message, status: overview_page(assessment, message, status))


@bp.route("/<int:assessment_id>/history")
@login_required
def history(assessment_id: int):
    """Every change, told as sentences by the features that know them (panels)."""
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return render_template("assessments/history.html", assessment=assessment,
                           panels=collect(assessment_history_panels, assessment,
                                          user=current_user))


# The checklist's routes, on the same blueprint.
from compliance.assessments import answer_evidence, checklist, rows  # noqa: E402, F401
