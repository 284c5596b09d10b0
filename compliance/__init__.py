"""MDR quality-manual compliance tracker for Belgian orthopaedic workshops."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from compliance.config import load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, object] | None = None,
               environ: Mapping[str, str] | None = None) -> Flask:
    """Build the application; settings come from ``environ`` (default: the process's).

    Raises ConfigError, whose message is one line naming the setting, when one is wrong.
    """
    environ = os.environ if environ is None else environ
    instance_path = Path(environ.get("COMPLIANCE_INSTANCE") or PROJECT_ROOT / "instance")
    settings = load_settings(environ, instance_path)
    app = Flask(__name__, instance_path=str(instance_path),
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="Europe/Brussels",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        # The application's own pages, styles, scripts and JSON go compressed; a member's
        # files (evidence downloads, of whatever type) go exactly as stored.
        COMPRESS_MIMETYPES=["text/html", "text/css", "text/javascript",
                            "application/javascript", "application/json"],
        # Files sent as streams (static files, downloads) go as they are: compressing a
        # stream left its file open.
        COMPRESS_STREAMS=False,
    )
    app.config.update(settings)
    app.config.update(config or {})
    # Each file is checked against MAX_UPLOAD_MB; a request may carry up to 10 of them.
    app.config["MAX_CONTENT_LENGTH"] = 10 * int(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024 \
        + 65536
    instance_path.mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:  # gunicorn behind nginx: trust its X-Forwarded-*
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)
    _connect_listeners()
    _register_cli(app)
    _register_template_helpers(app)
    _register_security_headers(app)
    return app


def _init_extensions(app: Flask) -> None:
    from compliance import models  # noqa: F401  every model, for Alembic and relationships
    from compliance.auth.models import User
    from compliance.extensions import babel, compress, csrf, db, login_manager, migrate
    from compliance.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None


def _sqlite_pragmas(connection, record) -> None:  # noqa: ANN001
    """WAL lets the web workers read while the scheduler writes; NORMAL sync is safe in
    WAL mode and spares an fsync per commit."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    import compliance.actions.views
    import compliance.assessments.views
    import compliance.auth.views
    import compliance.campaigns.views
    import compliance.dashboard.views
    import compliance.evidence.views
    import compliance.home.views
    import compliance.manual.views
    import compliance.members.views
    import compliance.reminders.views
    import compliance.reports.views
    import compliance.reviews.views
    import compliance.users.views  # noqa: F401  the views attach their routes
    from compliance.actions import bp as actions_bp
    from compliance.assessments import bp as assessments_bp
    from compliance.auth import bp as auth_bp
    from compliance.campaigns import bp as campaigns_bp
    from compliance.dashboard import bp as dashboard_bp
    from compliance.errors import register_error_handlers
    from compliance.evidence import bp as evidence_bp
    from compliance.home import bp as home_bp
    from compliance.manual import bp as manual_bp
    from compliance.members import bp as members_bp
    from compliance.reminders import bp as reminders_bp
    from compliance.reports import bp as reports_bp
    from compliance.reviews import bp as reviews_bp
    from compliance.users import bp as users_bp

    for blueprint in (auth_bp, home_bp, manual_bp, members_bp, users_bp, campaigns_bp,
                      assessments_bp, evidence_bp, reviews_bp, actions_bp, dashboard_bp,
                      reminders_bp, reports_bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def _connect_listeners() -> None:
    """Higher features react to lower ones through signals (compliance.signals)."""
    import compliance.assessments.listeners
    import compliance.history.listeners
    import compliance.reviews.listeners  # noqa: F401


def _register_cli(app: Flask) -> None:
    from compliance.audit_cli import audit_cli
    from compliance.demo import demo_command
    from compliance.manual.cli import manual_cli
    from compliance.members.cli import members_cli
    from compliance.reminders.cli import reminders_cli, scheduler_command
    from compliance.reports.cli import report_cli
    from compliance.users.cli import users_cli

    for command in (manual_cli, members_cli, users_cli, audit_cli, demo_command,
                    reminders_cli, scheduler_command, report_cli):
        app.cli.add_command(command)


def _register_template_helpers(app: Flask) -> None:
    from flask_wtf.csrf import generate_csrf

    from compliance import clock
    from compliance.actions.workflow import ACTION_STATUS_LABELS
    from compliance.assessments.models import STATUS_LABELS
    from compliance.assessments.workflow import STATE_LABELS
    from compliance.auth.models import ROLE_LABELS
    from compliance.i18n import LANGUAGE_NAMES, current_language, translated
    from compliance.members.models import REGION_LABELS
    from compliance.permissions import PREDICATES
    from compliance.profile import ACTIVITY_LABELS
    from compliance.reviews.models import READINESS_LABELS, VERDICT_LABELS
    from compliance.workflow import WORKFLOWS

    app.jinja_env.filters["tr"] = translated

    def unread_notices() -> int:
        from flask_login import current_user
        from sqlalchemy import func, select

        from compliance.extensions import db
        from compliance.reminders.models import Notice

        return db.session.scalar(select(func.count(Notice.id)).where(
            Notice.user_id == current_user.id, Notice.read_at.is_(None))) or 0

    @app.context_processor
    def helpers() -> dict[str, object]:
        return {
            **PREDICATES,
            "ACTIVITY_LABELS": ACTIVITY_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
            "STATE_LABELS": STATE_LABELS,
            "STATUS_LABELS": STATUS_LABELS,
            "VERDICT_LABELS": VERDICT_LABELS,
            "READINESS_LABELS": READINESS_LABELS,
            "ACTION_STATUS_LABELS": ACTION_STATUS_LABELS,
            "REGION_LABELS": REGION_LABELS,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "current_language": current_language,
            "csrf_token": generate_csrf,
            "unread_notices": unread_notices,
            "today": clock.today(),
            "workflows": WORKFLOWS,
        }


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'")
        return response
