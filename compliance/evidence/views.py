"""Evidence: the member's library, download, withdrawal. (Uploading onto an answer is
the assessments feature's, onto an action the actions feature's.)"""

from __future__ import annotations

from flask import abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from compliance.errors import require
from compliance.evidence import bp, queries, services, storage
from compliance.evidence.forms import WithdrawForm
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.form_posts import finish_post, redirect_with
from compliance.members.models import Member
from compliance.permissions import can_view_member, works_for


@bp.route("/")
@login_required
def index():
    """A member's evidence library: its own for member users, ?member=ID for others."""
    member_id = request.args.get("member", type=int) or current_user.member_id
    member = db.session.get(Member, member_id) if member_id else None
    if member is None or not can_view_member(current_user, member):
        abort(404)
    return _library(member)


def _library(member: Member, message: str | None = None, status: int = 200):
    if message:
        flash(message, "error")
    files = db.session.scalars(
        queries.member_evidence_query(member.id)
        .options(selectinload(Evidence.supports), joinedload(Evidence.uploaded_by))).all()
    return render_template("evidence/index.html", member=member, files=files,
                           withdraw_form=WithdrawForm(),
                           can_manage=works_for(current_user, member.id)), status


@bp.route("/<int:evidence_id>/download")
@login_required
def download(evidence_id: int):
    evidence = queries.get_evidence_or_404(evidence_id, current_user)
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
