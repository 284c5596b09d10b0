"""Evidence: the member's library (and uploading into it), download, withdrawal.
(Uploading onto an answer is the assessments feature's, onto an action the actions
feature's.)"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from compliance.errors import DomainError, require
from compliance.evidence import bp, queries, services
from compliance.evidence.filetypes import MEDIA_TYPES
from compliance.evidence.forms import UploadForm, WithdrawForm
from compliance.evidence.models import Evidence
from compliance.evidence.stores import evidence_store
from compliance.extensions import csrf, db
from compliance.form_posts import (
    FORM_EXPIRED,
    finish_post,
    form_errors,
    form_expired,
    redirect_with,
)
from compliance.members.models import Member
from compliance.permissions import can_view_member, works_for


def _member_or_404() -> Member:
    """The library's member: the user's own, or ?member=ID for those who see others."""
    member_id = request.args.get("member", type=int) or current_user.member_id
    member = db.session.get(Member, member_id) if member_id else None
    if member is None or not can_view_member(current_user, member):
        abort(404)
    return member


@bp.route("/")
@login_required
def index():
    """A member's evidence library: its own for member users, ?member=ID for others."""
    return _library(_member_or_404())


def supported_requirements(files: list[Evidence]) -> dict[int, list[tuple[str, int]]]:
    """Evidence id → the requirements it supports, each key once (a file carried over to
    a new campaign supports the same key twice): with the newest assessment's answer."""
    tags: dict[int, list[tuple[str, int]]] = {}
    for evidence in files:
        newest: dict[str, int] = {}
        for answer in evidence.supports:
            newest[answer.requirement_key] = max(newest.get(answer.requirement_key, 0),
                                                 answer.assessment_id)
        tags[evidence.id] = list(newest.items())
    return tags


def _library(member: Member, message: str | None = None, status: int = 200, *,
             upload_form: UploadForm | None = None, upload_error: tuple[str, str] | None = None):
    if message:
        flash(message, "error")
    files = db.session.scalars(
        queries.member_evidence_query(member.id)
        .options(selectinload(Evidence.supports), joinedload(Evidence.uploaded_by))).all()
    return render_template("evidence/index.html", member=member, files=files,
                           supports=supported_requirements(files),
                           withdraw_form=WithdrawForm(),
                           upload_form=upload_form or UploadForm(formdata=None),
                           upload_error=upload_error or (None, None), accept=ACCEPT,
                           can_manage=works_for(current_user, member.id)), status


@bp.route("/upload", methods=["POST"])
@csrf.exempt  # checked below, so that an expired page comes back with what was typed
@login_required
def upload():
    """Files into the member's library, whatever the state of its assessments (proof of a
    corrective action after the pre-audit, a renewed certificate...). A file the member
    already has is recognised and not stored twice."""
    member = _member_or_404()
    if not works_for(current_user, member.id):
        abort(403)
    form = UploadForm(meta={"csrf": False})
    files = [f for f in request.files.getlist("files") if f and f.filename]
    messages: list[str] = []
    field = {"name": "files"}

    def failed(message: str, status: int):
        return _library(member, None, status, upload_form=form,
                        upload_error=(field["name"], message))

    if form_expired():
        return failed(str(FORM_EXPIRED), 400)

    def change() -> None:
        if not form.validate():
            field["name"] = next(iter(form.errors))
            raise DomainError(form_errors(form))
        require(bool(files), _("Choose at least one file."))
        stored = services.upload_or_reuse(
            member, [services.Upload(f.filename, f.stream) for f in files],
            title=form.title.data or "", document_date=form.document_date.data,
            expiry_date=form.expiry_date.data, version_note=form.version_note.data,
            actor=current_user)
        for file, (evidence, reused) in zip(files, stored, strict=True):
            messages.append(str(services.reused_message(file.filename, evidence)) if reused
                            else _("%(name)s is in the library.", name=file.filename))

    return finish_post(change, done=lambda _result: redirect_with(
        " ".join(messages), url_for("evidence.index", member=member.id)), failed=failed)


@bp.route("/<int:evidence_id>/download")
@login_required
def download(evidence_id: int):
    evidence = queries.get_evidence_or_404(evidence_id, current_user)
    store = evidence_store()
    path = store.local_path(evidence.sha256)
    if path is not None:
        response = send_file(path, mimetype=evidence.media_type, as_attachment=True,
                             download_name=evidence.filename, conditional=True,
                             etag=evidence.sha256)
    elif store.exists(evidence.sha256):
        response = Response(stream_with_context(store.chunks(evidence.sha256)),
                            mimetype=evidence.media_type)
        response.headers["Content-Length"] = str(evidence.size)
        response.headers.set("Content-Disposition", "attachment",
                             filename=evidence.filename)
        response.set_etag(evidence.sha256)
        response.make_conditional(request)
    else:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:evidence_id>/withdraw", methods=["POST"])
@login_required
def withdraw(evidence_id: int):
    evidence = queries.get_evidence_or_404(evidence_id, current_user)
    if not works_for(current_user, evidence.member_id):
        abort(403)
    form = WithdrawForm()

    def change() -> None:
        require(form.validate_on_submit(), _("Say why the file is withdrawn."))
        services.withdraw_evidence(evidence, reason=form.reason.data, actor=current_user)

    return finish_post(
        change, done=lambda _result: redirect_with(
            _("%(title)s is withdrawn: it no longer counts, and stays in the history.",
              title=evidence.title), url_for("evidence.index", member=evidence.member_id)),
        failed=lambda message, status: _library(evidence.member, message, status))


ACCEPT = ",".join(f".{extension}" for extension in MEDIA_TYPES)
