"""Forgot password: ask for a link on the login page, then choose a new password."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from compliance.auth import bp, resets
from compliance.auth.forms import ForgotPasswordForm, NewPasswordForm
from compliance.auth.sessions import client_address, start_session
from compliance.auth.tokens import LinkRefused
from compliance.form_posts import finish_post, redirect_with
from compliance.links import path_for
from compliance.mail import send, send_in_background


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()

    def page(message: str | None = None, status: int = 200):
        if message:
            form.email.errors.append(message)
        return render_template("auth/forgot.html", form=form), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)

    def done(asked: resets.ResetAsked):
        if asked.send:  # off the request's path: the answer takes as long either way
            send_in_background([asked.message])
        return render_template("auth/forgot_sent.html", email=form.email.data.strip().lower())

    return finish_post(lambda: resets.request_reset(form.email.data,
                                                    remote_addr=client_address()),
                       done=done, failed=page)


def link_refused(error: LinkRefused):
    return render_template("auth/link_refused.html", message=error.message), error.status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        reset = resets.usable_reset(token)
    except LinkRefused as error:
        return link_refused(error)
    form = NewPasswordForm()

    def page(message: str | None = None, status: int = 200):
        if message:
            form.new_password.errors.append(message)
        return render_template("auth/reset.html", form=form, user=reset.user), status

    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    if current_user.is_authenticated:
        logout_user()

    def done(user):  # noqa: ANN001
        start_session(user)
        send([resets.reset_done_message(user)])
        return redirect_with(_("Your new password is saved and you are logged in. Every "
                               "other session of your account was ended."),
                             path_for("home.index"))

    return finish_post(lambda: resets.reset_password(token, form.new_password.data),
                       done=done, failed=page)
