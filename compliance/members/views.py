"""Staff pages: the member workshops."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from compliance.auth.models import Role, User
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.forms import select_choices
from compliance.members import bp, services
from compliance.members.forms import AssignmentForm, MemberForm
from compliance.members.models import Member
from compliance.permissions import staff_required


@bp.route("/")
@staff_required
def index():
    members = db.session.scalars(services.members_query()).all()
    return render_template("members/index.html", members=members)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = MemberForm()
    status = 200
    if form.validate_on_submit():
        try:
            member = services.create_member(
                code=form.code.data, name=form.name.data,
                enterprise_number=form.enterprise_number.data, region=form.region.data,
                activities=form.activities.data, actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            status = 400
        else:
            db.session.commit()
            flash(_("Member %(code)s created.", code=member.code), "success")
            return redirect(url_for("members.show", member_id=member.id))
    elif form.is_submitted():
        status = 400
    return render_template("members/new.html", form=form), status


@bp.route("/<int:member_id>", methods=["GET", "POST"])
@staff_required
def show(member_id: int):
    member = db.session.get(Member, member_id) or abort(404)
    consultants = db.session.scalars(select(User).where(User.role == Role.CONSULTANT.value)
                                     .order_by(User.name)).all()
    form = AssignmentForm(consultants=[c.id for c in member.consultants])
    form.consultants.choices = select_choices((c.id, f"{c.name} ({c.email})")
                                              for c in consultants)
    if form.validate_on_submit():
        chosen = [c for c in consultants if c.id in form.consultants.data]
        services.assign_consultants(member, chosen, actor=current_user)
        db.session.commit()
        flash(_("Consultants of %(code)s saved.", code=member.code), "success")
        return redirect(url_for("members.show", member_id=member.id))
    return render_template("members/show.html", member=member, form=form)
