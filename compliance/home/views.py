"""The start page after login: where each role goes next."""

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from compliance.extensions import db
from compliance.home import bp
from compliance.manual.queries import latest_version


@bp.route("/")
@login_required
def index():
    return render_template("home/index.html", manual=latest_version(), user=current_user)


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
