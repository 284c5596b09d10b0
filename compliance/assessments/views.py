"""The self-assessment: overview, answers by chapter, evidence on answers, submission,
history."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from compliance.assessments import bp, queries, services
from compliance.assessments.forms import AnswerForm, IncludeForm, LinkForm, ReasonForm
from compliance.assessments.workflow import can_answer, can_see_verdicts, can_send_back, can_submit
from compliance.audit import AuditEvent
from compliance.errors import require
from compliance.evidence import services as evidence_services
from compliance.evidence.forms import UploadForm
from compliance.evidence.models import Evidence
from compliance.evidence.queries import member_evidence_query
from compliance.extensions import db
from compliance.form_posts import finish_post, form_errors, redirect_with, save_row
from compliance.manual.queries import chapters_of
from compliance.panels import collect
from compliance.signals import assessment_panels


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


@bp.route("/<int:assessment_id>/answers")
@login_required
def answers(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return answers_page(assessment)


def answers_page(assessment, *, errors=None, entered=None, status: int = 200):  # noqa: ANN001
    chapters = chapters_of(assessment.campaign.manual_version_id)
    key = request.args.get("chapter")
    chapter = next((c for c in chapters if c.key == key), None)
    if key and chapter is None:
        abort(404)
    show = request.args.get("show", "all")
    if show not in queries.FILTERS:
        show = "all"
    answers = queries.answers_for_page(assessment, chapter.id if chapter else None, show)
    progress = queries.progress_by_chapter([assessment.id])
    editable = can_answer(current_user, assessment)
    library = []
    if editable:
        library = [e for e in db.session.scalars(member_evidence_query(assessment.member_id))
                   if not e.withdrawn]
    return render_template(
        "assessments/answers.html", assessment=assessment, chapters=chapters, chapter=chapter,
        show=show, answers=[a for a in answers if a.included],
        excluded=[a for a in answers if not a.included],
        progress={c: p for (_, c), p in progress.items()},
        total=queries.total_progress(progress, assessment.id), library=library,
        errors=errors or {}, entered=entered or {}, editable=editable), status


def back_to_answer(assessment, answer) -> str:  # noqa: ANN001
    return url_for("assessments.answers", assessment_id=assessment.id,
                   chapter=request.args.get("chapter"),
                   show=request.args.get("show")) + f"#{answer.requirement_key}"


def editable_answer(assessment_id: int, answer_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not can_answer(current_user, assessment):
        abort(403)
    return assessment, queries.get_answer_or_404(assessment, answer_id)


def _row_failed(assessment_id: int, answer_id: int):
    """The checklist again, with this row's input and message."""
    def page(message: str, status: int):
        db.session.expire_all()
        assessment = queries.get_assessment_or_404(assessment_id, current_user)
        return answers_page(assessment, errors={answer_id: message},
                            entered={answer_id: request.form}, status=status)
    return page


def _post_on_answer(assessment, answer, change, done_message: str):  # noqa: ANN001
    """A plain form post on one answer: the checklist comes back at that answer."""
    return finish_post(change,
                       done=lambda _result: redirect_with(done_message,
                                                          back_to_answer(assessment, answer)),
                       failed=_row_failed(assessment.id, answer.id))


@bp.route("/<int:assessment_id>/answers/<int:answer_id>", methods=["POST"])
@login_required
def save_answer(assessment_id: int, answer_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    form = AnswerForm()

    def save():
        services.save_answer(answer, status=form.status.data, comment=form.comment.data,
                             justification=form.justification.data,
                             revision=form.revision.data, actor=current_user)
        return answer

    def progress(saved) -> dict:  # noqa: ANN001
        total = queries.total_progress(queries.progress_by_chapter([assessment.id]),
                                       assessment.id)
        return {"revision": saved.revision, "percent": total.percent}

    return save_row(form, save, json=progress,
                    saved=_("Answer to %(key)s saved.", key=answer.requirement_key),
                    back_to=back_to_answer(assessment, answer),
                    page=_row_failed(assessment_id, answer_id))


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/include", methods=["POST"])
@login_required
def include(assessment_id: int, answer_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    form = IncludeForm()

    def change() -> None:
        require(form.validate_on_submit(), _("Say why this requirement applies to you."))
        services.include_requirement(answer, justification=form.justification.data,
                                     actor=current_user)

    return _post_on_answer(assessment, answer, change, _(
        "%(key)s is now part of your assessment.", key=answer.requirement_key))


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/evidence", methods=["POST"])
@login_required
def upload(assessment_id: int, answer_id: int):
    """Upload files and let them support this answer: all the files of the request, or
    none of them. A refused request removes only its own temporary files (see
    compliance.evidence.storage)."""
    assessment, answer = editable_answer(assessment_id, answer_id)
    form = UploadForm()
    files = [evidence_services.Upload(f.filename, f.stream) for f in request.files.getlist("files")
             if f and (f.filename or f.content_length)]

    def change() -> None:
        require(form.validate_on_submit(), form_errors(form))
        services.require_takes_evidence(answer)
        for evidence in evidence_services.upload_files(
                assessment.member, files, title=form.title.data or "",
                document_date=form.document_date.data, expiry_date=form.expiry_date.data,
                version_note=form.version_note.data, actor=current_user):
            services.link_evidence(answer, evidence, actor=current_user)

    return finish_post(change,
                       done=lambda _result: redirect_with(
                           _("%(count)d file(s) added to %(key)s.", count=len(files),
                             key=answer.requirement_key), back_to_answer(assessment, answer)),
                       failed=_row_failed(assessment_id, answer_id))


def _members_evidence(assessment, evidence_id: int | None) -> Evidence:  # noqa: ANN001
    evidence = db.session.get(Evidence, evidence_id or 0)
    if evidence is None or evidence.member_id != assessment.member_id:
        abort(404)
    return evidence


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/link", methods=["POST"])
@login_required
def link(assessment_id: int, answer_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    form = LinkForm()
    evidence = _members_evidence(assessment, form.evidence_id.data
                                 if form.validate_on_submit() else None)
    return _post_on_answer(
        assessment, answer,
        lambda: services.link_evidence(answer, evidence, actor=current_user),
        _("%(title)s now supports %(key)s.", title=evidence.title, key=answer.requirement_key))


@bp.route("/<int:assessment_id>/answers/<int:answer_id>/unlink/<int:evidence_id>",
          methods=["POST"])
@login_required
def unlink(assessment_id: int, answer_id: int, evidence_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    evidence = _members_evidence(assessment, evidence_id)
    return _post_on_answer(
        assessment, answer,
        lambda: services.unlink_evidence(answer, evidence, actor=current_user),
        _("%(title)s no longer supports %(key)s; the file is kept.", title=evidence.title,
          key=answer.requirement_key))


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
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    query = select(AuditEvent).where(AuditEvent.assessment_id == assessment.id)
    if not can_see_verdicts(current_user, assessment):  # the pre-audit shows once completed
        query = query.where(~AuditEvent.action.like("verdict.%"),
                            ~AuditEvent.action.like("pre_audit.%"))
    events = db.session.scalars(query.order_by(AuditEvent.id.desc())).unique().all()
    return render_template("assessments/history.html", assessment=assessment, events=events)
