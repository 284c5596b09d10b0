"""Evidence: upload to an answer, link and unlink, the member's library, download."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from compliance.assessments import bp as assessments_bp
from compliance.assessments.models import Answer, AnswerEvidence
from compliance.assessments.views import _answers_page, _back_to, editable_answer
from compliance.errors import DomainError, commit_or_flash, require
from compliance.evidence import bp, services, storage
from compliance.evidence.forms import LinkForm, UploadForm, WithdrawForm
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.members.models import Member
from compliance.permissions import can_view_evidence, can_view_member, works_for


def get_evidence_or_404(evidence_id: int) -> Evidence:
    evidence = db.session.scalar(select(Evidence).where(Evidence.id == evidence_id)
                                 .options(joinedload(Evidence.member)))
    if evidence is None or not can_view_evidence(current_user, evidence):
        abort(404)
    return evidence


@assessments_bp.route("/<int:assessment_id>/answers/<int:answer_id>/evidence",
                      methods=["POST"])
@login_required
def upload(assessment_id: int, answer_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    form = UploadForm()
    files = [f for f in request.files.getlist("files") if f and (f.filename or f.content_length)]
    written: list[str] = []
    try:
        if not form.validate_on_submit():
            raise DomainError("; ".join(e for errs in form.errors.values() for e in errs))
        if not files:
            raise DomainError(_("Choose at least one file."))
        for file in files:
            evidence = services.upload_evidence(
                assessment.member, filename=file.filename, stream=file.stream,
                title=form.title.data or "" if len(files) == 1 else "",
                document_date=form.document_date.data, expiry_date=form.expiry_date.data,
                version_note=form.version_note.data, actor=current_user, new_files=written)
            services.link_evidence(answer, evidence, actor=current_user)
    except DomainError as exc:
        db.session.rollback()  # all the files of the request, or none
        services.discard_unreferenced(written)
        return _answers_page(assessment, errors={answer_id: str(exc.message)},
                             entered={answer_id: request.form}, status=400)
    db.session.commit()
    flash(_("%(count)d file(s) added to %(key)s.", count=len(files),
            key=answer.requirement_key), "success")
    return redirect(_back_to(assessment, answer))


@assessments_bp.route("/<int:assessment_id>/answers/<int:answer_id>/link", methods=["POST"])
@login_required
def link(assessment_id: int, answer_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    form = LinkForm()
    evidence = db.session.get(Evidence, form.evidence_id.data or 0) \
        if form.validate_on_submit() else None
    if evidence is None or evidence.member_id != assessment.member_id:
        abort(404)
    commit_or_flash(lambda: services.link_evidence(answer, evidence, actor=current_user),
                    lambda: _("%(title)s now supports %(key)s.", title=evidence.title,
                              key=answer.requirement_key))
    return redirect(_back_to(assessment, answer))


@assessments_bp.route("/<int:assessment_id>/answers/<int:answer_id>/unlink/<int:evidence_id>",
                      methods=["POST"])
@login_required
def unlink(assessment_id: int, answer_id: int, evidence_id: int):
    assessment, answer = editable_answer(assessment_id, answer_id)
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.member_id != assessment.member_id:
        abort(404)
    commit_or_flash(lambda: services.unlink_evidence(answer, evidence, actor=current_user),
                    lambda: _("%(title)s no longer supports %(key)s; the file is kept.",
                              title=evidence.title, key=answer.requirement_key))
    return redirect(_back_to(assessment, answer))


@bp.route("/")
@login_required
def index():
    """A member's evidence library: its own for member users, ?member=ID for others."""
    member_id = request.args.get("member", type=int) or current_user.member_id
    member = db.session.get(Member, member_id) if member_id else None
    if member is None or not can_view_member(current_user, member):
        abort(404)
    files = db.session.scalars(
        services.member_evidence_query(member.id)
        .options(selectinload(Evidence.links).joinedload(AnswerEvidence.answer)
                 .joinedload(Answer.assessment),
                 joinedload(Evidence.uploaded_by))).unique().all()
    return render_template("evidence/index.html", member=member, files=files,
                           withdraw_form=WithdrawForm(), today=date.today(),
                           can_manage=works_for(current_user, member.id))


@bp.route("/<int:evidence_id>/download")
@login_required
def download(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    path = storage.path_for(services.evidence_root(), evidence.sha256)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=evidence.media_type, as_attachment=True,
                         download_name=evidence.filename, conditional=True, etag=evidence.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:evidence_id>/withdraw", methods=["POST"])
@login_required
def withdraw(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    if not works_for(current_user, evidence.member_id):
        abort(403)
    form = WithdrawForm()

    def change() -> None:
        require(form.validate_on_submit(), _("Say why the file is withdrawn."))
        services.withdraw_evidence(evidence, reason=form.reason.data, actor=current_user)

    commit_or_flash(change, lambda: _("%(title)s is withdrawn: it no longer counts, and "
                                      "stays in the history.", title=evidence.title))
    return redirect(url_for("evidence.index", member=evidence.member_id))
