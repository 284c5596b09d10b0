"""Login, logout, and a person's own settings (name, language, password)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from compliance.auth import bp, services
from compliance.auth.forms import LanguageForm, LoginForm, PasswordForm, ProfileForm
from compliance.auth.sessions import client_address, me, start_session
from compliance.form_posts import finish_post, redirect_with
from compliance.links import referrer_path, safe_next
from compliance.observability import security_event


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
        start_session(user)
        security_event("login", user_id=user.id)
        return redirect(safe_next(form.next.data, url_for("home.index")))

    return finish_post(
        lambda: services.authenticate(form.email.data, form.password.data,
                                      remote_addr=client_address()),
        done=done, failed=page)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends every session of the person, in every browser (copied cookies too)."""
    def done(_result):  # noqa: ANN001
        logout_user()
        session.clear()
        flash(_("You are logged out."), "info")
        return redirect(url_for("auth.login"))

    return finish_post(lambda: services.log_out(me()), done=done,
                       failed=lambda message, status: redirect_with(message, url_for(
                           "home.index"), "error"))


def _profile_form() -> ProfileForm:
    return ProfileForm(name=current_user.name, locale=current_user.locale or "en",
                       revision=current_user.revision)


@bp.route("/account")
@login_required
def account():
    return account_page()


@bp.route("/account/profile", methods=["POST"])
@login_required
def save_profile():
    form = ProfileForm()

    def page(message: str | None = None, status: int = 400):
        if message:
            form.name.errors.append(message)
        return account_page(profile_form=form, status=status)

    if not form.validate_on_submit():
        return page()
    return finish_post(
        lambda: services.save_own_profile(me(), name=form.name.data,
                                          language=form.locale.data,
                                          revision=form.revision.data or 0),
        done=lambda _result: redirect_with(_("Your name and language are saved."),
                                           url_for("auth.account")),
        failed=page)


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordForm()

    def page(message: str | None = None, status: int = 400):
        if message:
            form.current_password.errors.append(message)
        return account_page(password_form=form, status=status)

    if not form.validate_on_submit():
        return page()

    def done(_result):  # noqa: ANN001
        start_session(me())  # this browser stays; every other session ends
        return redirect_with(_("Your password has been changed. You were logged out "
                               "everywhere else."), url_for("auth.account"))

    return finish_post(
        lambda: services.change_password(me(), form.current_password.data,
                                         form.new_password.data),
        done=done, failed=page)


def account_page(*, profile_form: ProfileForm | None = None,
                 password_form: PasswordForm | None = None, status: int = 200,
                 calendar_url: str | None = None):
    """The account page; ``calendar_url`` is a new calendar address, shown once in the
    answer to the post that made it (only its hash is kept)."""
    return render_template("auth/account.html", profile_form=profile_form or _profile_form(),
                           password_form=password_form or PasswordForm(),
                           calendar_url=calendar_url), status


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

