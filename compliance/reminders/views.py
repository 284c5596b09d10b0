"""Notices, the calendar feed, recurring duties and the reminder settings."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from compliance import clock
from compliance.auth.models import User
from compliance.auth.views import account_page
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.form_posts import finish_post, redirect_with
from compliance.i18n import current_language
from compliance.members.models import Member
from compliance.observability import security_event
from compliance.permissions import can_view_member, works_for
from compliance.reminders import bp
from compliance.reminders import metrics as _metrics  # noqa: F401  /metrics lines
from compliance.reminders import settings as reminder_settings
from compliance.reminders.calendar import feed
from compliance.reminders.duties import member_duties, record_duty
from compliance.reminders.models import Notice
from compliance.reminders.notices import notice_text

NOTICES_SHOWN = 100


@bp.route("/notices/")
@login_required
def notices():
    shown = db.session.scalars(select(Notice).where(Notice.user_id == current_user.id)
                               .order_by(Notice.id.desc()).limit(NOTICES_SHOWN)).all()
    language = current_language()
    return render_template("reminders/notices.html",
                           notices=[(n, notice_text(n, language)) for n in shown])


def _back_to_account(message: str, status: int):
    return redirect_with(message, url_for("auth.account"), "error")


@bp.route("/notices/read", methods=["POST"])
@login_required
def mark_read():
    back = url_for("reminders.notices")
    return finish_post(lambda: reminder_settings.mark_notices_read(current_user),
                       done=lambda _result: redirect(back),
                       failed=lambda message, status: redirect_with(message, back, "error"))


@bp.route("/account/reminders", methods=["POST"])
@login_required
def settings():
    enabled = request.form.get("digest") == "on"
    return finish_post(
        lambda: reminder_settings.set_digest(current_user, enabled),
        done=lambda _result: redirect_with(
            _("The daily digest is on.") if enabled
            else _("The daily digest is off; notices stay in the application."),
            url_for("auth.account")),
        failed=_back_to_account)


@bp.route("/account/calendar", methods=["POST"])
@login_required
def renew_calendar():
    """A new secret URL; the old one stops working at once."""

    def done(token: str):
        # Shown once, in this answer: the address passes through no cookie, and only its
        # hash is kept.
        flash(_("Your calendar link was renewed; the previous link no longer works."),
              "success")
        page, status = account_page(calendar_url=current_app.config["BASE_URL"] + url_for(
            "reminders.calendar", token=token))
        return page, status, {"Cache-Control": "no-store"}

    return finish_post(lambda: reminder_settings.renew_calendar_token(current_user),
                       done=done, failed=_back_to_account)


@bp.route("/calendar/<token>.ics")
def calendar(token: str):
    user = db.session.scalar(select(User).where(
        User.calendar_token == reminder_settings.calendar_token_hash(token),
        User.active.is_(True)))
    if user is None:
        security_event("token_refused", token="calendar")
        abort(404)
    security_event("token_used", user_id=user.id, token="calendar")
    with force_locale(user.locale or "en"):
        body = feed(user, clock.today())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=deadlines.ics",
                             "Cache-Control": "private, no-store"})


@bp.route("/duties/", methods=["GET", "POST"])
@login_required
def duties():
    member_id = request.args.get("member", type=int) or current_user.member_id
    member = db.session.get(Member, member_id) if member_id else None
    if member is None or not can_view_member(current_user, member):
        abort(404)
    today = clock.today()

    def page(message: str | None = None, status: int = 200):
        if message:
            flash(message, "error")
        return render_template("reminders/duties.html", member=member,
                               rows=member_duties(member, today),
                               editable=works_for(current_user, member.id)), status

    if request.method == "GET":
        return page()
    if not works_for(current_user, member.id):
        abort(403)
    key = request.form.get("requirement_key", "")
    if key not in {row.requirement.key for row in member_duties(member, today)}:
        abort(404)

    def change() -> None:
        try:
            last_done = date.fromisoformat(request.form.get("last_done", ""))
        except ValueError:
            raise DomainError(_("Give the date it was last done (YYYY-MM-DD).")) from None
        record_duty(member, key, last_done, actor=current_user, today=today)

    return finish_post(change, done=lambda _result: redirect_with(
        _("%(key)s recorded.", key=key), url_for("reminders.duties", member=member.id)),
        failed=page)
