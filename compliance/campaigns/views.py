"""Staff pages: campaigns."""

from __future__ import annotations

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from compliance.campaigns import bp, queries, services
from compliance.campaigns.forms import CampaignForm
from compliance.campaigns.models import Campaign
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.form_posts import finish_post, redirect_with
from compliance.forms import select_choices
from compliance.i18n import translated
from compliance.manual.queries import versions_query
from compliance.members.queries import members_query
from compliance.panels import collect
from compliance.permissions import staff_required
from compliance.signals import campaign_panels


@bp.route("/")
@staff_required
def index():
    campaigns = db.session.scalars(queries.campaigns_query()).all()
    return render_template("campaigns/index.html", campaigns=campaigns)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    versions = db.session.scalars(versions_query()).all()
    members = db.session.scalars(members_query()).all()
    form = CampaignForm()
    form.manual_version.choices = select_choices(
        (v.id, f"{translated(v.title)} {v.version}") for v in versions)
    form.members.choices = select_choices((str(m.id), f"{m.code} — {m.name}") for m in members)

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template("campaigns/new.html", form=form), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)

    def change() -> Campaign:
        version = next((v for v in versions if v.id == form.manual_version.data), None)
        if version is None:
            raise DomainError(_("Choose a manual version."))
        values = {"region": form.regions.data, "activity": form.activities.data,
                  "members": form.members.data}.get(form.mode.data, [])
        return services.create_campaign(
            title=form.title.data, manual_version=version, due_date=form.due_date.data,
            mode=form.mode.data, values=values, carry_over=form.carry_over.data,
            actor=current_user, titles={"fr": form.title_fr.data, "nl": form.title_nl.data,
                                        "en": form.title_en.data})

    return finish_post(change, done=lambda campaign: redirect_with(
        _("Campaign created: %(count)d members asked.", count=len(campaign.assessments)),
        url_for("campaigns.show", campaign_id=campaign.id)), failed=page)


@bp.route("/<int:campaign_id>")
@staff_required
def show(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    return render_template("campaigns/show.html", campaign=campaign,
                           panels=collect(campaign_panels, campaign, user=current_user))
