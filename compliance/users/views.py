"""Staff pages: accounts, invitations and login locks."""

from __future__ import annotations

from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from compliance.auth import services as auth_services
from compliance.auth.models import ROLE_LABELS, Role, User
from compliance.auth.throttle import current_locks, lift_lock
from compliance.extensions import db
from compliance.form_posts import finish_post, redirect_with
from compliance.forms import select_choices
from compliance.members.models import Member
from compliance.members.queries import members_query
from compliance.permissions import is_admin, staff_required
from compliance.users import bp, invitations, queries, services
from compliance.users.forms import InvitationForm, UserEditForm
from compliance.users.invitation_views import send_invitation


def _roles() -> list:
    return select_choices((r.value, ROLE_LABELS[r]) for r in Role
                          if r != Role.ADMIN or is_admin(current_user))


def _member_choices(members: list[Member]) -> list:
    return select_choices([("", "—")] + [(str(m.id), f"{m.code} — {m.name}") for m in members])


@bp.route("/")
@staff_required
def index():
    search = request.args.get("q", "").strip()
    users = db.session.scalars(queries.users_query(search=search)).all()
    locked = {lock.key for lock in _locks() if lock.kind == "account"}
    return render_template("users/index.html", users=users, search=search, locked=locked)


def _locks():
    return current_locks(auth_services.MAX_FAILURES_PER_EMAIL,
                         auth_services.MAX_FAILURES_PER_CLIENT)


@bp.route("/<int:user_id>/active", methods=["POST"])
@staff_required
def set_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    active = request.form.get("active") == "1"
    back = url_for("users.index")
    done = _("%(email)s can log in again.", email=user.email) if active \
        else _("%(email)s can no longer log in; their history stays.", email=user.email)
    return finish_post(lambda: services.set_active(user, active, actor=current_user),
                       done=lambda _result: redirect_with(done, back),
                       failed=lambda message, status: redirect_with(message, back, "error"))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    """Invite someone: they choose their own password through the e-mailed link."""
    members = db.session.scalars(members_query()).all()
    form = InvitationForm(locale=current_user.locale or "")
    form.role.choices = _roles()
    form.member.choices = _member_choices(members)
    form.assigned.label.text = _("Members assigned (consultants only)")
    form.assigned.choices = select_choices((m.id, f"{m.code} — {m.name}") for m in members)

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template("users/new.html", form=form), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    by_id = {m.id: m for m in members}

    def change():
        return invitations.invite(
            email=form.email.data, name=form.name.data, role=form.role.data,
            member=by_id.get(int(form.member.data)) if form.member.data else None,
            locale=form.locale.data or None,
            assigned=[by_id[i] for i in form.assigned.data if i in by_id], actor=current_user)

    def done(created):  # noqa: ANN001
        message, category = send_invitation(*created)
        return redirect_with(message, url_for("users.invitations_page"), category)

    return finish_post(change, done=done, failed=page)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    members = db.session.scalars(members_query()).all()
    form = UserEditForm(obj=user if request.method == "GET" else None,
                        member=str(user.member_id or ""), locale=user.locale or "")
    form.role.choices = _roles() if user.role != Role.ADMIN or is_admin(current_user) \
        else select_choices([(Role.ADMIN.value, ROLE_LABELS[Role.ADMIN])])
    form.member.choices = _member_choices(members)

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template("users/edit.html", form=form, user=user), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    by_id = {m.id: m for m in members}
    return finish_post(
        lambda: services.update_user(
            user, name=form.name.data, role=form.role.data,
            member=by_id.get(int(form.member.data)) if form.member.data else None,
            locale=form.locale.data or None, active=form.active.data,
            revision=form.revision.data or 0, actor=current_user),
        done=lambda _result: redirect_with(_("%(email)s saved.", email=user.email),
                                           url_for("users.index")),
        failed=page)


@bp.route("/invitations")
@staff_required
def invitations_page():
    return render_template("users/invitations.html",
                           invitations=invitations.pending_invitations(current_user),
                           hours=current_app.config["INVITATION_HOURS"])


@bp.route("/locks")
@staff_required
def locks():
    return render_template("users/locks.html", locks=_locks())


@bp.route("/locks/lift", methods=["POST"])
@staff_required
def lift():
    kind, key = request.form.get("kind", ""), request.form.get("key", "")
    back = url_for("users.locks")
    return finish_post(lambda: lift_lock(kind, key, actor=current_user),
                       done=lambda _result: redirect_with(
                           _("The lock on %(key)s is lifted.", key=key), back),
                       failed=lambda message, status: redirect_with(message, back, "error"))

