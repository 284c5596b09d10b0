"""The self-assessment: overview, answers by chapter, submission, history."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from compliance.actions.queries import visible_actions
from compliance.assessments import bp, queries, services
from compliance.assessments.forms import AnswerForm, IncludeForm, ReasonForm
from compliance.audit import AuditEvent
from compliance.errors import DomainError, commit_or_flash, require
from compliance.evidence.services import member_evidence_query
from compliance.extensions import db
from compliance.manual.models import Chapter
from compliance.manual.queries import chapters_of
from compliance.permissions import can_answer, can_see_verdicts, can_send_back, can_submit
from compliance.reviews.forms import ReopenForm
from compliance.reviews.scores import scorecard


@bp.route("/")
@login_required
def index():
    assessments = queries.visible_assessments(current_user)
    progress = queries.progress_by_chapter([a.id for a in assessments])
    totals = {a.id: queries.total_progress(progress, a.id) for a in assessments}
    return render_template("assessments/index.html", assessments=assessments, totals=totals,
                           today=date.today())


@bp.route("/<int:assessment_id>")
@login_required
def show(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    chapters = _chapters(assessment)
    progress = queries.progress_by_chapter([assessment.id])
    total = queries.total_progress(progress, assessment.id)
    missing = []
    if can_submit(current_user, assessment) and total.missing:
        missing = queries.unanswered(assessment)
    card, actions = None, []
    if can_see_verdicts(current_user, assessment) and assessment.pre_audit is not None:
        card = scorecard(assessment)
        actions = [a for a in visible_actions(current_user, member_id=assessment.member_id)
                   if a.assessment_id == assessment.id]
    return render_template(
        "assessments/show.html", assessment=assessment, chapters=chapters, total=total,
        progress={c: p for (_, c), p in progress.items()}, missing=missing,
        reason_form=ReasonForm(), reopen_form=ReopenForm(), card=card, actions=actions,
        today=date.today())


def _chapters(assessment) -> list[Chapter]:  # noqa: ANN001
    return chapters_of(assessment.campaign.manual_version_id)


@bp.route("/<int:assessment_id>/answers")
@login_required
def answers(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return _answers_page(assessment)


def _answers_page(assessment, *, errors=None, entered=None, status: int = 200):  # noqa: ANN001
    chapters = _chapters(assessment)
    key = request.args.get("chapter")
    chapter = next((c for c in chapters if c.key == key), None)
    if key and chapter is None:
        abort(404)
    show = request.args.get("show", "all")
    if show not in queries.FILTERS:
        show = "all"
    answers = queries.answers_for_page(assessment, chapter.id if chapter else None, show)
    progress = queries.progress_by_chapter([assessment.id])
    library = []
    if can_answer(current_user, assessment):
        library = [e for e in db.session.scalars(member_evidence_query(assessment.member_id))
                   if not e.withdrawn]
    return render_template(
        "assessments/answers.html", assessment=assessment, chapters=chapters, chapter=chapter,
        show=show, answers=[a for a in answers if a.included],
        excluded=[a for a in answers if not a.included],
        progress={c: p for (_, c), p in progress.items()},
        total=queries.total_progress(progress, assessment.id), library=library,
        errors=errors or {}, entered=entered or {}, today=date.today(),
        editable=can_answer(current_user, assessment)), status


def _back_to(assessment, answer) -> str:  # noqa: ANN001
    chapter = request.args.get("chapter")
    show = request.args.get("show")
    return url_for("assessments.answers", assessment_id=assessment.id, chapter=chapter,
                   show=show) + f"#{answer.requirement_key}"


def editable_answer(assessment_id: int, answer_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not can_answer(current_user, assessment):
        abort(403)
    return assessment, queries.get_answer_or_404(assessment, answer_id)


@bp.route("/<int:assessment_id>/answers/<int:answer_id>", methods=["POST"])
@login_required
def save_answer(assessment_id: int, answer_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    form = AnswerForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if form.validate_on_submit():
        try:
            services.save_answer(answer, status=form.status.data, comment=form.comment.data,
                                 justification=form.justification.data,
                                 revision=form.revision.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            message, code = str(exc.message), 409 if isinstance(
                exc, services.AnswerConflict) else 400
        else:
            db.session.commit()
            if wants_json:
                total = queries.total_progress(queries.progress_by_chapter([assessment.id]),
                                               assessment.id)
                return jsonify(saved=True, revision=answer.revision, percent=total.percent,
                               message=_("Saved."))
            flash(_("Answer to %(key)s saved.", key=answer.requirement_key), "success")
            return redirect(_back_to(assessment, answer))
    else:
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        code = 400
    if wants_json:
        return jsonify(saved=False, message=message), code
    db.session.expire_all()
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return _answers_page(assessment, errors={answer_id: message},
                         entered={answer_id: request.form}, status=code)


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/include", methods=["POST"])
@login_required
def include(assessment_id: int, answer_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    form = IncludeForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Say why this requirement applies to you."))
        services.include_requirement(answer, justification=form.justification.data,
                                     actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        return _answers_page(assessment, errors={answer_id: str(exc.message)},
                             entered={answer_id: request.form}, status=400)
    db.session.commit()
    flash(_("%(key)s is now part of your assessment.", key=answer.requirement_key), "success")
    return redirect(_back_to(assessment, answer))


@bp.route("/<int:assessment_id>/submit", methods=["POST"])
@login_required
def submit(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not can_submit(current_user, assessment):
        abort(403)
    commit_or_flash(lambda: services.submit_assessment(assessment, actor=current_user),
                    lambda: _("Assessment submitted. It is locked until your consultant "
                              "reviews it."))
    return redirect(url_for("assessments.show", assessment_id=assessment.id))


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

    commit_or_flash(change, lambda: _("The assessment was sent back to the member for "
                                      "changes."))
    return redirect(url_for("assessments.show", assessment_id=assessment.id))


@bp.route("/<int:assessment_id>/history")
@login_required
def history(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    query = select(AuditEvent).where(AuditEvent.assessment_id == assessment.id)
    if not can_see_verdicts(current_user, assessment):  # the pre-audit shows once completed
        query = query.where(~AuditEvent.action.like("verdict.%"),
                            ~AuditEvent.action.like("pre_audit.%"))
    events = db.session.scalars(query.order_by(AuditEvent.id.desc())).unique().all()
    return render_template("assessments/history.html", assessment=assessment, events=events)
