"""A person chooses which notifications come by e-mail."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compliance.form_posts import finish_post, redirect_with
from compliance.notifications import bp
from compliance.notifications.kinds import kinds_for
from compliance.notifications.services import save_choices, switched_off


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    kinds = kinds_for(current_user.role)
    if request.method == "GET":
        return render_template("notifications/settings.html", kinds=kinds,
                               off=switched_off(current_user))
    wanted = set(request.form.getlist("kind"))
    back = url_for("notifications.settings")
    return finish_post(
        lambda: save_choices(current_user, wanted, [k.name for k in kinds]),
        done=lambda _result: redirect_with(_("Your e-mail choices are saved."), back),
        failed=lambda message, status: redirect_with(message, back, "error"))
