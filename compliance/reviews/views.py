"""The consultant's pre-audit pages."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compliance.assessments import queries
from compliance.assessments.services import AnswerConflict
from compliance.errors import DomainError, commit_or_flash, require
from compliance.extensions import db
from compliance.manual.queries import chapters_of
from compliance.permissions import can_reopen_pre_audit, can_review, is_reviewer_of
from compliance.reviews import bp, services
from compliance.reviews.forms import ReopenForm, SignOffForm, VerdictForm
from compliance.reviews.scores import scorecard


def _reviewable(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not is_reviewer_of(current_user, assessment.member):
        abort(403)
    return assessment


@bp.route("/<int:assessment_id>")
@login_required
def review(assessment_id: int):
    assessment = _reviewable(assessment_id)
    return _review_page(assessment)


def _review_page(assessment, *, errors=None, entered=None, status: int = 200):  # noqa: ANN001
    chapters = chapters_of(assessment.campaign.manual_version_id)
    key = request.args.get("chapter")
    chapter = next((c for c in chapters if c.key == key), None)
    if key and chapter is None:
        abort(404)
    answers = [a for a in queries.answers_for_page(assessment, chapter.id if chapter else None,
                                                   "all") if a.included]
    missing = services.missing_verdicts(assessment) if can_review(current_user, assessment) \
        else []
    return render_template(
        "reviews/review.html", assessment=assessment, chapters=chapters, chapter=chapter,
        answers=answers, card=scorecard(assessment), missing=missing,
        errors=errors or {}, entered=entered or {}, today=date.today(),
        sign_off=SignOffForm(signed_by_name=current_user.name, signed_on=date.today()),
        reopen_form=ReopenForm(), editable=can_review(current_user, assessment)), status


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
    wants_json = request.accept_mimetypes.best == "application/json"
    code = 400
    if form.validate_on_submit():
        try:
            record = services.save_verdict(
                answer, verdict=form.verdict.data, reason=form.reason.data,
                comment=form.comment.data, change_request=form.change_request.data,
                revision=form.revision.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            message, code = str(exc.message), 409 if isinstance(exc, AnswerConflict) else 400
        else:
            db.session.commit()
            if wants_json:
                return jsonify(saved=True, revision=record.revision, message=_("Saved."))
            flash(_("Verdict on %(key)s saved.", key=answer.requirement_key), "success")
            return redirect(url_for("reviews.review", assessment_id=assessment.id,
                                    chapter=request.args.get("chapter"))
                            + f"#{answer.requirement_key}")
    else:
        message = "; ".join(e for errs in form.errors.values() for e in errs)
    if wants_json:
        return jsonify(saved=False, message=message), code
    db.session.expire_all()
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return _review_page(assessment, errors={answer_id: message},
                        entered={answer_id: request.form}, status=code)


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

    if not commit_or_flash(change, lambda: _("Pre-audit completed and signed. The member "
                                             "now sees the verdicts and the corrective "
                                             "actions.")):
        return redirect(url_for("reviews.review", assessment_id=assessment.id))
    return redirect(url_for("assessments.show", assessment_id=assessment.id))


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

    commit_or_flash(change, lambda: _("The pre-audit is open again."))
    return redirect(url_for("assessments.show", assessment_id=assessment.id))
