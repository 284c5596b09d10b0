"""The API tokens page: a member manager makes, sees and revokes the member's tokens;
staff see and revoke every member's."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compliance.errors import require
from compliance.extensions import db
from compliance.form_posts import finish_post, form_errors, redirect_with
from compliance.permissions import can_view_member, is_staff, manages, template_predicate
from compliance.tokens import bp, queries, services
from compliance.tokens.forms import TokenForm
from compliance.tokens.models import SCOPES, ApiToken


@template_predicate
def can_manage_tokens(user) -> bool:  # noqa: ANN001
    return is_staff(user) or (user.is_authenticated and bool(user.member_id)
                              and manages(user, user.member_id))


def _page(form: TokenForm | None = None, *, secret: str | None = None,
          made: ApiToken | None = None, message: str | None = None, status: int = 200):
    staff = is_staff(current_user)
    listed = queries.tokens(None if staff else current_user.member_id)
    return render_template("tokens/index.html", tokens=listed, staff=staff,
                           form=None if staff else form or TokenForm(formdata=None),
                           secret=secret, made=made, message=message, scopes=SCOPES), status


@bp.route("/")
@login_required
def index():
    if not can_manage_tokens(current_user):
        abort(403)
    return _page()


@bp.route("/", methods=["POST"])
@login_required
def create():
    """The secret is shown on the answer to this post, once: it is not kept."""
    if is_staff(current_user) or not can_manage_tokens(current_user):
        abort(403)
    form = TokenForm()

    def change():
        require(form.validate_on_submit(), form_errors(form))
        return services.create_token(current_user.member, name=form.name.data or "",
                                     scopes=form.scopes.data or [], actor=current_user)

    def done(result):  # noqa: ANN001, ANN202
        token, secret = result
        return _page(secret=secret, made=token)

    return finish_post(change, done=done, failed=lambda message, status: _page(
        form, message=message, status=status))


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or not can_view_member(current_user, token.member):
        abort(404)  # another member's token is not revealed
    if not services.may_revoke(current_user, token):
        abort(403)
    back = url_for("tokens.index")
    return finish_post(lambda: services.revoke_token(token, actor=current_user),
                       done=lambda _result: redirect_with(
                           _("The token “%(name)s” is revoked: it no longer works.",
                             name=token.name), back),
                       failed=lambda message, status: redirect_with(message, back, "error"))
