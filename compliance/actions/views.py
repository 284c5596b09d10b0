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
from compliance.errors import require
from compliance.evidence.models import Evidence
from compliance.evidence.queries import member_evidence_query
from compliance.extensions import db
from compliance.form_posts import finish_post, form_errors, redirect_with
from compliance.forms import select_choices


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
          reopen: ReopenActionForm | None = None):
    """The action's page; after a refused post, with that form's input kept."""
    if message:
        flash(message, "error")
    edit, close, _users = _forms(action, edit, close)
    edit.revision.data = action.revision  # saved again, it goes over what the page shows
    return render_template("actions/show.html", action=action, edit=edit, close=close,
                           reopen_form=reopen or ReopenActionForm(formdata=None)), status


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
@login_required
def done(action_id: int):
    form = CloseForm()

    def change(action):  # noqa: ANN001
        ids = [int(i) for i in request.form.getlist("evidence") if i.isdigit()]
        evidence = list(db.session.scalars(select(Evidence).where(
            Evidence.id.in_(ids), Evidence.member_id == action.member_id)))
        if len(evidence) != len(set(ids)):
            abort(404)
        services.complete_action(action, closure_note=form.closure_note.data or "",
                                 evidence=evidence, actor=current_user)

    return _transition(action_id, can_work_on_action, change, close=form)


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
