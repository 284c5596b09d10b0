"""Staff pages: the member workshops."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from compliance.auth.models import Role, User
from compliance.extensions import db
from compliance.form_posts import finish_post, redirect_with
from compliance.forms import select_choices
from compliance.members import bp, queries, services
from compliance.members.forms import AssignmentForm, MemberEditForm, MemberForm
from compliance.members.models import Member
from compliance.permissions import staff_required


@bp.route("/")
@staff_required
def index():
    members = db.session.scalars(queries.members_query()).all()
    return render_template("members/index.html", members=members)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = MemberForm()

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template("members/new.html", form=form), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    return finish_post(
        lambda: services.create_member(
            code=form.code.data, name=form.name.data,
            enterprise_number=form.enterprise_number.data, region=form.region.data,
            activities=form.activities.data, actor=current_user),
        done=lambda member: redirect_with(_("Member %(code)s created.", code=member.code),
                                          url_for("members.show", member_id=member.id)),
        failed=page)


@bp.route("/<int:member_id>", methods=["GET", "POST"])
@staff_required
def show(member_id: int):
    member = db.session.get(Member, member_id) or abort(404)
    consultants = db.session.scalars(select(User).where(User.role == Role.CONSULTANT.value)
                                     .order_by(User.name)).all()
    form = AssignmentForm(consultants=[c.id for c in member.consultants])
    form.consultants.choices = select_choices((c.id, f"{c.name} ({c.email})")
                                              for c in consultants)

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template("members/show.html", member=member, form=form), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    chosen = [c for c in consultants if c.id in form.consultants.data]
    return finish_post(
        lambda: services.assign_consultants(member, chosen, actor=current_user),
        done=lambda _result: redirect_with(
            _("Consultants of %(code)s saved.", code=member.code),
            url_for("members.show", member_id=member.id)),
        failed=page)


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(member_id: int):
    """Name, enterprise number, region and activities; an open assessment follows the
    activities (the requirements that apply are recomputed)."""
    member = db.session.get(Member, member_id) or abort(404)
    form = MemberEditForm(obj=member if request.method == "GET" else None)

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template("members/edit.html", member=member, form=form), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    return finish_post(
        lambda: services.update_member(
            member, name=form.name.data, enterprise_number=form.enterprise_number.data,
            region=form.region.data, activities=form.activities.data,
            revision=form.revision.data or 0, actor=current_user),
        done=lambda _result: redirect_with(_("Member %(code)s saved.", code=member.code),
                                           url_for("members.show", member_id=member.id)),
        failed=page)
