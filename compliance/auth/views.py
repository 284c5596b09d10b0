"""Login, logout, and a person's own settings (password, language)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from compliance.auth import bp, services
from compliance.auth.forms import LanguageForm, LoginForm, PasswordForm
from compliance.form_posts import finish_post, redirect_with
from compliance.links import referrer_path, safe_next


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))

    def page(message: str | None = None, status: int = 200):
        if message:
            form.password.errors.append(message)
        return render_template("auth/login.html", form=form), status

    if not form.validate_on_submit():
        return page(status=400 if request.method == "POST" else 200)

    def done(user):  # noqa: ANN001
        login_user(user)
        return redirect(safe_next(form.next.data, url_for("home.index")))

    return finish_post(
        lambda: services.authenticate(form.email.data, form.password.data,
                                      remote_addr=request.remote_addr or "unknown"),
        done=done, failed=page)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@login_required
def account():
    return _account_page(PasswordForm(), LanguageForm(locale=current_user.locale or ""))


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordForm()

    def page(message: str | None = None, status: int = 400):
        if message:
            form.current_password.errors.append(message)
        return _account_page(form, LanguageForm(locale=current_user.locale or ""), status)

    if not form.validate_on_submit():
        return page()
    return finish_post(
        lambda: services.change_password(current_user, form.current_password.data,
                                         form.new_password.data),
        done=lambda _result: redirect_with(_("Your password has been changed."),
                                           url_for("auth.account")),
        failed=page)


def _account_page(password_form: PasswordForm, language_form: LanguageForm, status: int = 200):
    # A new calendar address is shown once, right after it was made: only its hash is kept.
    return render_template("auth/account.html", password_form=password_form,
                           language_form=language_form,
                           calendar_url=session.pop("calendar_url", None)), status


@bp.route("/language", methods=["POST"])
def set_language():
    """Anyone may choose a language; a logged-in user keeps it in their settings."""
    form = LanguageForm()
    target = safe_next(form.next.data or referrer_path(), url_for("home.index"))
    if not form.validate_on_submit():
        return redirect_with(_("Unknown language."), target, "error")
    if not current_user.is_authenticated:
        session["locale"] = form.locale.data
        return redirect(target)
    return finish_post(lambda: services.set_language(current_user, form.locale.data),
                       done=lambda _result: redirect(target),
                       failed=lambda message, status: redirect_with(message, target, "error"))
