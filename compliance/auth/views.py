"""Login, logout, and a person's own settings (password, language)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from compliance.auth import bp, services
from compliance.auth.forms import LanguageForm, LoginForm, PasswordForm
from compliance.errors import DomainError
from compliance.extensions import db


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return default


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         remote_addr=request.remote_addr or "unknown")
        except services.LoginThrottled as exc:
            form.password.errors.append(str(exc.message))
            status = 429
        except DomainError as exc:
            db.session.commit()  # keep the failure: it counts towards throttling
            form.password.errors.append(str(exc.message))
            status = 401
        else:
            db.session.commit()
            login_user(user)
            return redirect(safe_next(form.next.data, url_for("home.index")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


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
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.new_password.data)
        except DomainError as exc:
            form.current_password.errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(form, LanguageForm(locale=current_user.locale or ""), 400)


def _account_page(password_form: PasswordForm, language_form: LanguageForm, status: int = 200):
    # A new calendar address is shown once, right after it was made: only its hash is kept.
    return render_template("auth/account.html", password_form=password_form,
                           language_form=language_form,
                           calendar_url=session.pop("calendar_url", None)), status


@bp.route("/language", methods=["POST"])
def set_language():
    """Anyone may choose a language; a logged-in user keeps it in their settings."""
    form = LanguageForm()
    target = safe_next(form.next.data or request.referrer and urlsplit(request.referrer).path,
                       url_for("home.index"))
    if not form.validate_on_submit():
        flash(_("Unknown language."), "error")
        return redirect(target)
    if current_user.is_authenticated:
        services.set_language(current_user, form.locale.data)
        db.session.commit()
    else:
        session["locale"] = form.locale.data
    return redirect(target)
