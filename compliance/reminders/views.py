"""Notices, the calendar feed, recurring duties and the reminder settings."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select, update

from compliance.auth.models import User
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.members.models import Member
from compliance.permissions import can_view_member, works_for
from compliance.reminders import bp
from compliance.reminders.calendar import feed
from compliance.reminders.cli import today_in_brussels
from compliance.reminders.duties import member_duties, record_duty
from compliance.reminders.models import Notice

NOTICES_SHOWN = 100


@bp.route("/notices/")
@login_required
def notices():
    shown = db.session.scalars(select(Notice).where(Notice.user_id == current_user.id)
                               .order_by(Notice.id.desc()).limit(NOTICES_SHOWN)).all()
    return render_template("reminders/notices.html", notices=shown)


@bp.route("/notices/read", methods=["POST"])
@login_required
def mark_read():
    db.session.execute(update(Notice).where(Notice.user_id == current_user.id,
                                            Notice.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    return redirect(url_for("reminders.notices"))


@bp.route("/account/reminders", methods=["POST"])
@login_required
def settings():
    current_user.digest_enabled = request.form.get("digest") == "on"
    db.session.commit()
    flash(_("The daily digest is on.") if current_user.digest_enabled
          else _("The daily digest is off; notices stay in the application."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/calendar", methods=["POST"])
@login_required
def renew_calendar():
    """A new secret URL; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    current_user.calendar_token = calendar_token_hash(token)  # the database keeps no URL
    db.session.commit()
    flash(_("Your calendar link was renewed; the previous link no longer works."), "success")
    session["calendar_url"] = current_app.config["BASE_URL"] + url_for(
        "reminders.calendar", token=token)
    return redirect(url_for("auth.account"))


def calendar_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@bp.route("/calendar/<token>.ics")
def calendar(token: str):
    user = db.session.scalar(select(User).where(
        User.calendar_token == calendar_token_hash(token), User.active.is_(True)))
    if user is None:
        abort(404)
    with force_locale(user.locale or "en"):
        body = feed(user, today_in_brussels())
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
    today = today_in_brussels()
    status = 200
    if request.method == "POST":
        if not works_for(current_user, member.id):
            abort(403)
        rows = {row.requirement.key: row for row in member_duties(member, today)}
        key = request.form.get("requirement_key", "")
        try:
            if key not in rows:
                abort(404)
            last_done = date.fromisoformat(request.form.get("last_done", ""))
            record_duty(member, key, last_done, actor=current_user, today=today)
        except ValueError:
            db.session.rollback()
            flash(_("Give the date it was last done (YYYY-MM-DD)."), "error")
            status = 400
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            status = 400
        else:
            db.session.commit()
            flash(_("%(key)s recorded.", key=key), "success")
            return redirect(url_for("reminders.duties", member=member.id))
    return render_template("reminders/duties.html", member=member, today=today,
                           rows=member_duties(member, today),
                           editable=works_for(current_user, member.id)), status
