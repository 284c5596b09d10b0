"""Staff pages: campaigns."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from compliance.assessments.queries import progress_by_chapter, total_progress
from compliance.campaigns import bp, services
from compliance.campaigns.forms import CampaignForm
from compliance.campaigns.models import Campaign
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.forms import select_choices
from compliance.i18n import translated
from compliance.manual.queries import versions_query
from compliance.members.services import members_query
from compliance.permissions import staff_required


@bp.route("/")
@staff_required
def index():
    campaigns = db.session.scalars(services.campaigns_query()).all()
    return render_template("campaigns/index.html", campaigns=campaigns, today=date.today())


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    versions = db.session.scalars(versions_query()).all()
    members = db.session.scalars(members_query()).all()
    form = CampaignForm()
    form.manual_version.choices = select_choices(
        (v.id, f"{translated(v.title)} {v.version}") for v in versions)
    form.members.choices = select_choices((str(m.id), f"{m.code} — {m.name}") for m in members)
    status = 200
    if form.validate_on_submit():
        values = {"region": form.regions.data, "activity": form.activities.data,
                  "members": form.members.data}.get(form.mode.data, [])
        version = next((v for v in versions if v.id == form.manual_version.data), None)
        try:
            if version is None:
                raise DomainError(_("Choose a manual version."))
            campaign = services.create_campaign(
                title=form.title.data, manual_version=version, due_date=form.due_date.data,
                mode=form.mode.data, values=values, carry_over=form.carry_over.data,
                actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            status = 400
        else:
            db.session.commit()
            flash(_("Campaign created: %(count)d members asked.",
                    count=len(campaign.assessments)), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    elif form.is_submitted():
        status = 400
    return render_template("campaigns/new.html", form=form), status


@bp.route("/<int:campaign_id>")
@staff_required
def show(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    assessments = campaign.assessments
    progress = progress_by_chapter([a.id for a in assessments])
    totals = {a.id: total_progress(progress, a.id) for a in assessments}
    return render_template("campaigns/show.html", campaign=campaign, assessments=assessments,
                           totals=totals)
