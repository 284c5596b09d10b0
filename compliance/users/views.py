from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from compliance.auth.models import ROLE_LABELS, Role, User
from compliance.extensions import db
from compliance.form_posts import finish_post, redirect_with
from compliance.forms import select_choices
from compliance.members.models import Member
from compliance.members.queries import members_query
from compliance.permissions import is_admin, staff_required
from compliance.users import bp, queries, services
from compliance.users.forms import StaffUserForm


def _user_form(members: list[Member]) -> StaffUserForm:
    form = StaffUserForm()
    roles = [r for r in Role if r != Role.ADMIN or is_admin(current_user)]
    form.role.choices = select_choices((r.value, ROLE_LABELS[r]) for r in roles)
    form.member.choices = select_choices(
        [("", "—")] + [(str(m.id), f"{m.code} — {m.name}") for m in members])
    form.assigned.label.text = _("Members assigned (consultants only)")
    form.assigned.choices = select_choices((m.id, f"{m.code} — {m.name}") for m in members)
    return form


@bp.route("/")
@staff_required
def index():
    search = request.args.get("q", "").strip()
    users = db.session.scalars(queries.users_query(search=search)).all()
    return render_template("users/index.html", users=users, search=search)


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
    members = db.session.scalars(members_query()).all()
    form = _user_form(members)

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template("users/new.html", form=form), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    if form.role.data == Role.ADMIN and not is_admin(current_user):
        return page(_("Only an administrator can create an administrator."), 403)
    by_id = {m.id: m for m in members}

    def change():
        return services.create_user(
            email=form.email.data, name=form.name.data, role=form.role.data,
            member=by_id.get(int(form.member.data)) if form.member.data else None,
            password=form.password.data or None, locale=form.locale.data or None,
            assigned_members=[by_id[i] for i in form.assigned.data if i in by_id],
            actor=current_user)

    def done(created) -> object:
        user, password = created
        if form.password.data:
            message = _("Account %(email)s created.", email=user.email)
        else:
            message = _("Account %(email)s created with the password %(password)s. "
                        "Hand it over safely: it is not shown again.",
                        email=user.email, password=password)
        return redirect_with(message, url_for("users.index"))

    return finish_post(change, done=done, failed=page)
