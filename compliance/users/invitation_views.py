"""Accepting an invitation; re-sending and withdrawing one; a member manager's team page
(invite and remove the workshop's contributors)."""

from __future__ import annotations

from flask import abort, current_app, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from compliance.auth.models import Role, User
from compliance.auth.sessions import start_session
from compliance.auth.tokens import LinkRefused
from compliance.extensions import db
from compliance.form_posts import finish_post, redirect_with
from compliance.mail import send
from compliance.permissions import can_view_member, is_staff, manages, template_predicate
from compliance.users import bp, invitations, services
from compliance.users.forms import AcceptForm, ContributorInvitationForm
from compliance.users.models import Invitation


def send_invitation(invitation, token: str) -> tuple[str, str]:  # noqa: ANN001
    """Send the invitation e-mail (after the commit); what the inviter is told."""
    email = invitation.email
    if send([invitations.invitation_message(invitation, token)]):
        return _("The invitation for %(email)s is saved, but the e-mail could not be sent. "
                 "Re-send it later from the pending invitations.", email=email), "error"
    return _("An invitation was sent to %(email)s.", email=email), "success"


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token: str):
    try:
        invitation = invitations.usable_invitation(token)
    except LinkRefused as error:
        return render_template("auth/link_refused.html", message=error.message), error.status
    form = AcceptForm(name=invitation.name)

    def page(message: str | None = None, status: int = 200):
        if message:
            form.new_password.errors.append(message)
        return render_template("users/accept.html", form=form, invitation=invitation), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    if current_user.is_authenticated:
        logout_user()

    def done(user: User):
        start_session(user)
        return redirect_with(_("Welcome, %(name)s: your account is ready.", name=user.name),
                             url_for("home.index"))

    return finish_post(lambda: invitations.accept(token, name=form.name.data.strip(),
                                                  password=form.new_password.data),
                       done=done, failed=page)


def _manageable_invitation(invitation_id: int) -> Invitation:
    """404 for an invitation of a workshop one cannot see; 403 where one sees it but may
    not manage it."""
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    if invitation.member is not None and not can_view_member(current_user, invitation.member):
        abort(404)
    if invitation.member is None and not is_staff(current_user):
        abort(404)
    if not invitations.may_manage_invitation(current_user, invitation):
        abort(403)
    return invitation


def _back(invitation: Invitation) -> str:
    return url_for("users.invitations_page") if is_staff(current_user) else url_for("users.team")


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@login_required
def resend(invitation_id: int):
    invitation = _manageable_invitation(invitation_id)

    def done(token: str):
        message, category = send_invitation(invitation, token)
        return redirect_with(message, _back(invitation), category)

    return finish_post(lambda: invitations.resend(invitation, actor=current_user), done=done,
                       failed=lambda message, status: redirect_with(message, _back(invitation),
                                                                    "error"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke(invitation_id: int):
    invitation = _manageable_invitation(invitation_id)
    back = _back(invitation)
    return finish_post(lambda: invitations.revoke(invitation, actor=current_user),
                       done=lambda _result: redirect_with(
                           _("The invitation for %(email)s is withdrawn; its link no longer "
                             "works.", email=invitation.email), back),
                       failed=lambda message, status: redirect_with(message, back, "error"))


@template_predicate
def can_manage_team(user: User) -> bool:
    """A member manager manages the contributors of their own workshop."""
    return user.is_authenticated and user.role == Role.MEMBER_MANAGER and \
        user.member_id is not None


@bp.route("/team", methods=["GET", "POST"])
@login_required
def team():
    if not can_manage_team(current_user):
        abort(403)
    member = current_user.member
    form = ContributorInvitationForm(locale=current_user.locale or "")

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template(
            "users/team.html", form=form, member=member,
            invitations=invitations.pending_invitations(current_user, member.id),
            hours=current_app.config["INVITATION_HOURS"]), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)

    def done(created):  # noqa: ANN001
        message, category = send_invitation(*created)
        return redirect_with(message, url_for("users.team"), category)

    return finish_post(lambda: invitations.invite(
        email=form.email.data, name=form.name.data, role=Role.MEMBER_CONTRIBUTOR.value,
        member=member, locale=form.locale.data or None, actor=current_user),
        done=done, failed=page)


@bp.route("/team/<int:contributor_id>/remove", methods=["POST"])
@login_required
def remove_contributor(contributor_id: int):
    person = db.session.get(User, contributor_id) or abort(404)
    if person.member is None or not can_view_member(current_user, person.member):
        abort(404)
    if not (manages(current_user, person.member_id) or is_staff(current_user)):
        abort(403)
    back = url_for("users.team")
    return finish_post(lambda: services.remove_contributor(person, actor=current_user),
                       done=lambda _result: redirect_with(
                           _("%(name)s can no longer log in to the workshop's account; "
                             "what they did stays.", name=person.name), back),
                       failed=lambda message, status: redirect_with(message, back, "error"))

