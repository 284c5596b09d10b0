"""Corrective actions: the plan that closes the gaps a pre-audit found."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from compliance import clock
from compliance.actions import bp, queries, services
from compliance.actions.forms import ActionForm, CloseForm, ReopenActionForm
from compliance.actions.workflow import ACTION_STATUS_LABELS, can_verify_action, can_work_on_action
from compliance.auth.models import User
from compliance.errors import DomainError, require
from compliance.evidence import services as evidence_services
from compliance.evidence.filetypes import MEDIA_TYPES
from compliance.evidence.models import Evidence
from compliance.evidence.queries import member_evidence_query
from compliance.extensions import csrf, db
from compliance.form_posts import (
    FORM_EXPIRED,
    finish_post,
    form_errors,
    form_expired,
    redirect_with,
)
from compliance.forms import select_choices

ACCEPT = ",".join(f".{extension}" for extension in MEDIA_TYPES)


@bp.route("/")
@login_required
def index():
    status = request.args.get("status") or None
    if status not in (None, "unfinished", *ACTION_STATUS_LABELS):
        status = None
    overdue = request.args.get("overdue") == "1"
    actions = queries.visible_actions(current_user, status=status,
                                      overdue_on=clock.today() if overdue else None)
    return render_template("actions/index.html", actions=actions, status=status,
                           overdue=overdue)


def _forms(action, edit: ActionForm | None = None, close: CloseForm | None = None):  # noqa: ANN001
    users = db.session.scalars(select(User).where(User.member_id == action.member_id,
                                                  User.active.is_(True))
                               .order_by(User.name)).all()
    edit = edit or ActionForm(formdata=None, description=action.description,
                              owner=action.owner_id, due_date=action.due_date,
                              revision=action.revision)
    edit.owner.choices = select_choices([(0, "—")] + [(u.id, u.name) for u in users])
    close = close or CloseForm(formdata=None)
    close.evidence.choices = select_choices(
        (e.id, f"{e.title} ({e.filename})")
        for e in db.session.scalars(member_evidence_query(action.member_id)) if not e.withdrawn)
    return edit, close, users


def _page(action, message: str | None = None, status: int = 200, *,  # noqa: ANN001
          edit: ActionForm | None = None, close: CloseForm | None = None,
          reopen: ReopenActionForm | None = None, proof_error: str | None = None):
    """The action's page; after a refused post, with that form's input kept (and a
    refused proof file's message at the file field)."""
    if message:
        flash(message, "error")
    edit, close, _users = _forms(action, edit, close)
    edit.revision.data = action.revision  # saved again, it goes over what the page shows
    return render_template("actions/show.html", action=action, edit=edit, close=close,
                           reopen_form=reopen or ReopenActionForm(formdata=None),
                           proof_error=proof_error, accept=ACCEPT), status


@bp.route("/<int:action_id>", methods=["GET", "POST"])
@login_required
def show(action_id: int):
    action = queries.get_action_or_404(action_id, current_user)
    if request.method == "GET":
        return _page(action)
    if not (can_work_on_action(current_user, action) or can_verify_action(current_user, action)):
        abort(403)
    edit, _close, users = _forms(action, edit=ActionForm())

    def change() -> None:
        require(edit.validate_on_submit(), form_errors(edit))
        owner = next((u for u in users if u.id == edit.owner.data), None)
        services.update_action(action, description=edit.description.data, owner=owner,
                               due_date=edit.due_date.data, revision=edit.revision.data,
                               actor=current_user)

    return finish_post(change, done=lambda _result: redirect_with(
        _("Action saved."), url_for("actions.show", action_id=action.id)),
        failed=lambda message, status: _page(action, message, status, edit=edit))


def _transition(action_id: int, allowed, change, **forms):  # noqa: ANN001
    action = queries.get_action_or_404(action_id, current_user)
    if not allowed(current_user, action):
        abort(403)
    return finish_post(
        lambda: change(action),
        done=lambda _result: redirect_with(
            _("Action %(key)s: %(status)s.", key=action.requirement_key,
              status=ACTION_STATUS_LABELS[action.status]),
            url_for("actions.show", action_id=action_id)),
        failed=lambda message, status: _page(action, message, status, **forms))


@bp.route("/<int:action_id>/start", methods=["POST"])
@login_required
def start(action_id: int):
    return _transition(action_id, can_work_on_action,
                       lambda a: services.start_action(a, actor=current_user))


@bp.route("/<int:action_id>/done", methods=["POST"])
@csrf.exempt  # checked below, so that an expired page comes back with what was typed
@login_required
def done(action_id: int):
    """Mark the action done with what was done and its proof: files of the library and
    files uploaded with it (a file the member already has is reused, not stored twice).
    Works whatever the state of the assessment: this is how proof arrives after a
    pre-audit, when the checklist is locked."""
    action = queries.get_action_or_404(action_id, current_user)
    if not can_work_on_action(current_user, action):
        abort(403)
    form = CloseForm()
    proof = ProofUpload(action)

    def failed(message: str, status: int):
        db.session.expire_all()
        field = message if proof.refused else None
        return _page(action, None if field else message, status, close=form, proof_error=field)

    if form_expired():
        return failed(str(FORM_EXPIRED), 400)

    def change() -> None:
        ids = [int(i) for i in request.form.getlist("evidence") if i.isdigit()]
        evidence = list(db.session.scalars(select(Evidence).where(
            Evidence.id.in_(ids), Evidence.member_id == action.member_id)))
        if len(evidence) != len(set(ids)):
            abort(404)
        evidence += proof.store()
        services.complete_action(action, closure_note=form.closure_note.data or "",
                                 evidence=evidence, actor=current_user)

    return finish_post(change, done=lambda _result: redirect_with(
        " ".join([_("Action %(key)s: %(status)s.", key=action.requirement_key,
                    status=ACTION_STATUS_LABELS[action.status]), *proof.messages]),
        url_for("actions.show", action_id=action_id)), failed=failed)


class ProofUpload:
    """The files sent with "mark as done", stored as the member's evidence."""

    def __init__(self, action) -> None:  # noqa: ANN001
        self.action = action
        self.files = [f for f in request.files.getlist("files") if f and f.filename]
        self.title = (request.form.get("proof_title") or "").strip()[:200]
        self.messages: list[str] = []
        self.refused = False

    def store(self) -> list[Evidence]:
        stored = []
        if not self.files:
            return stored
        try:
            results = evidence_services.upload_or_reuse(
                self.action.member,
                [evidence_services.Upload(f.filename, f.stream) for f in self.files],
                title=self.title, document_date=None, expiry_date=None, version_note=None,
                actor=current_user)
        except DomainError:
            self.refused = True
            raise
        for file, (evidence, reused) in zip(self.files, results, strict=True):
            if reused:
                self.messages.append(str(evidence_services.reused_message(file.filename,
                                                                          evidence)))
            stored.append(evidence)
        return stored


@bp.route("/<int:action_id>/verify", methods=["POST"])
@login_required
def verify(action_id: int):
    return _transition(action_id, can_verify_action,
                       lambda a: services.verify_action(a, actor=current_user))


@bp.route("/<int:action_id>/reopen", methods=["POST"])
@login_required
def reopen(action_id: int):
    form = ReopenActionForm()
    return _transition(action_id, can_verify_action,
                       lambda a: services.reopen_action(a, reason=form.reason.data or "",
                                                        actor=current_user), reopen=form)
