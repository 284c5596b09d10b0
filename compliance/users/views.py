from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from compliance.auth import services
from compliance.auth.forms import UserForm
from compliance.auth.models import ROLE_LABELS, Role, User
from compliance.errors import DomainError, commit_or_flash
from compliance.extensions import db
from compliance.forms import CheckboxesField, select_choices
from compliance.members.models import Member
from compliance.members.services import members_query
from compliance.permissions import is_admin, staff_required
from compliance.users import bp


class StaffUserForm(UserForm):
    assigned = CheckboxesField(coerce=int)


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
    users = db.session.scalars(services.users_query(search=search)).all()
    return render_template("users/index.html", users=users, search=search)


@bp.route("/<int:user_id>/active", methods=["POST"])
@staff_required
def set_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    active = request.form.get("active") == "1"
    commit_or_flash(lambda: services.set_active(user, active, actor=current_user),
                    lambda: _("%(email)s can log in again.", email=user.email) if active
                    else _("%(email)s can no longer log in; their history stays.",
                           email=user.email))
    return redirect(url_for("users.index"))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    members = db.session.scalars(members_query()).all()
    form = _user_form(members)
    status = 200
    if form.validate_on_submit():
        by_id = {m.id: m for m in members}
        if form.role.data == Role.ADMIN and not is_admin(current_user):
            flash(_("Only an administrator can create an administrator."), "error")
            return render_template("users/new.html", form=form), 403
        try:
            user, password = services.create_user(
                email=form.email.data, name=form.name.data, role=form.role.data,
                member=by_id.get(int(form.member.data)) if form.member.data else None,
                password=form.password.data or None, locale=form.locale.data or None,
                assigned_members=[by_id[i] for i in form.assigned.data if i in by_id],
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            status = 400
        else:
            db.session.commit()
            if form.password.data:
                flash(_("Account %(email)s created.", email=user.email), "success")
            else:
                flash(_("Account %(email)s created with the password %(password)s. "
                        "Hand it over safely: it is not shown again.",
                        email=user.email, password=password), "success")
            return redirect(url_for("users.index"))
    elif form.is_submitted():
        status = 400
    return render_template("users/new.html", form=form), status
