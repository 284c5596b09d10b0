"""The consultant's pre-audit pages."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compliance import clock
from compliance.assessments import queries
from compliance.assessments.views import overview_page
from compliance.assessments.workflow import can_reopen_pre_audit, can_review
from compliance.errors import require
from compliance.form_posts import finish_post, redirect_with, save_row
from compliance.manual.queries import chapters_of
from compliance.panels import collect_facts
from compliance.permissions import is_reviewer_of
from compliance.reviews import bp, services
from compliance.reviews.forms import ReopenForm, SignOffForm, VerdictForm
from compliance.reviews.scores import scorecard
from compliance.signals import requirement_facts


def _reviewable(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not is_reviewer_of(current_user, assessment.member):
        abort(403)
    return assessment


@bp.route("/<int:assessment_id>")
@login_required
def review(assessment_id: int):
    return review_page(_reviewable(assessment_id))


def review_page(assessment, *, errors=None, entered=None, status: int = 200,  # noqa: ANN001
                sign_off: SignOffForm | None = None):
    chapters = chapters_of(assessment.campaign.manual_version_id)
    key = request.args.get("chapter")
    chapter = next((c for c in chapters if c.key == key), None)
    if key and chapter is None:
        abort(404)
    answers = [a for a in queries.answers_for_page(assessment, chapter.id if chapter else None,
                                                   "all") if a.included]
    editable = can_review(current_user, assessment)
    return render_template(
        "reviews/review.html", assessment=assessment, chapters=chapters, chapter=chapter,
        answers=answers, card=scorecard(assessment),
        missing=services.missing_verdicts(assessment) if editable else [],
        errors=errors or {}, entered=entered or {},
        sign_off=sign_off or SignOffForm(formdata=None, signed_by_name=current_user.name,
                                         signed_on=clock.today()),
        reopen_form=ReopenForm(), editable=editable,
        facts=collect_facts(requirement_facts, assessment, user=current_user, review=True,
                            requirement_ids=[a.requirement_id for a in answers])), status


@bp.route("/<int:assessment_id>/verdicts/<int:answer_id>", methods=["POST"])
@login_required
def save_verdict(assessment_id: int, answer_id: int):
    assessment = _reviewable(assessment_id)
    if not can_review(current_user, assessment):
        abort(403)
    answer = queries.get_answer_or_404(assessment, answer_id)
    if not answer.included:
        abort(404)
    form = VerdictForm()

    def page(message: str, status: int):
        return review_page(queries.get_assessment_or_404(assessment_id, current_user),
                           errors={answer_id: message}, entered={answer_id: request.form},
                           status=status)

    return save_row(
        form, lambda: services.save_verdict(
            answer, verdict=form.verdict.data, reason=form.reason.data,
            comment=form.comment.data, change_request=form.change_request.data,
            revision=form.revision.data, actor=current_user),
        json=lambda record: {"revision": record.revision},
        saved=_("Verdict on %(key)s saved.", key=answer.requirement_key),
        back_to=url_for("reviews.review", assessment_id=assessment.id,
                        chapter=request.args.get("chapter")) + f"#{answer.requirement_key}",
        page=page)


@bp.route("/<int:assessment_id>/complete", methods=["POST"])
@login_required
def complete(assessment_id: int):
    assessment = _reviewable(assessment_id)
    if not can_review(current_user, assessment):
        abort(403)
    form = SignOffForm()

    def change() -> None:
        require(form.validate_on_submit(), _("Sign with your name and the date."))
        services.complete_pre_audit(assessment, signed_by_name=form.signed_by_name.data,
                                    signed_on=form.signed_on.data, actor=current_user)

    def failed(message: str, status: int):
        flash(message, "error")
        return review_page(queries.get_assessment_or_404(assessment_id, current_user),
                           status=status, sign_off=form)

    return finish_post(change, done=lambda _result: redirect_with(
        _("Pre-audit completed and signed. The member now sees the verdicts and the "
          "corrective actions."), url_for("assessments.show", assessment_id=assessment.id)),
        failed=failed)


@bp.route("/<int:assessment_id>/reopen", methods=["POST"])
@login_required
def reopen(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not can_reopen_pre_audit(current_user, assessment):
        abort(403)
    form = ReopenForm()

    def change() -> None:
        require(form.validate_on_submit(),
                _("Say why the pre-audit is reopened: a reason is required."))
        services.reopen_pre_audit(assessment, reason=form.reason.data, actor=current_user)

    return finish_post(change, done=lambda _result: redirect_with(
        _("The pre-audit is open again."),
        url_for("assessments.show", assessment_id=assessment.id)),
        failed=lambda message, status: overview_page(assessment, message, status))
