"""MDR quality-manual compliance tracker for Belgian orthopaedic workshops.

Importing the package imports nothing else (Flask, SQLAlchemy... come with create_app):
`compliance --help` and the commands that need no pages start fast.
"""

from __future__ import annotations

import hmac
import importlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def _files_root() -> tuple[Path, bool]:
    """Where templates/, static/, migrations/ and checklists/ are, and whether that is a
    checkout: the repository's top-level folders, or their copies inside the package
    (compliance/_data/, made when the wheel is built: see setup.py)."""
    package = Path(__file__).resolve().parent
    shipped = package / "_data"
    if (shipped / "templates").is_dir():
        return shipped, False
    return package.parent, (package.parent / "pyproject.toml").is_file()


#: The folder holding templates/, static/, migrations/ and checklists/.
FILES_ROOT, FROM_CHECKOUT = _files_root()
PROJECT_ROOT = FILES_ROOT  # the older name, used by benches and tests for checklists/


def create_app(config: Mapping[str, object] | None = None,
               environ: Mapping[str, str] | None = None, *, web: bool = True,
               models: Iterable[str] | None = None) -> Flask:
    """Build the application; settings come from ``environ`` (default: the process's).

    ``web=False`` leaves out the pages (blueprints, template helpers, form protection,
    logins, compression), the migrations and the features' signal listeners: the command
    line builds it for the commands that need none of them (their changes send no
    signal), which then start in a fraction of the time; ``models`` (with ``web=False``)
    names the only model modules such a command uses. Raises ConfigError, whose message
    is one line naming the setting, when one is wrong.
    """
    from flask import Flask

    from compliance.config import instance_folder, load_settings

    environ = os.environ if environ is None else environ
    instance_path = instance_folder(environ, FILES_ROOT / "instance" if FROM_CHECKOUT else None)
    settings = load_settings(environ, instance_path)
    app = Flask(__name__, instance_path=str(instance_path),
                template_folder=str(FILES_ROOT / "templates"),
                static_folder=str(FILES_ROOT / "static"))
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
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # Each process (gunicorn worker, scheduler, command) keeps up to DB_POOL_SIZE
        # connections open, and opens up to DB_MAX_OVERFLOW more at a peak.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_size": app.config["DB_POOL_SIZE"],
            "max_overflow": app.config["DB_MAX_OVERFLOW"]}
    # Each file is checked against MAX_UPLOAD_MB; a request may carry up to 10 of them.
    app.config["MAX_CONTENT_LENGTH"] = 10 * int(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024 \
        + 65536
    if app.config["TRUSTED_PROXIES"]:  # gunicorn behind nginx: trust its X-Forwarded-*
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app, web=web, models=None if web else models)
    if web:
        _connect_listeners()
        init_migrations(app)
        _register_blueprints(app)
        _register_cli(app)
        _register_template_helpers(app)
        _register_security_headers(app)
        from compliance import observability, static_files

        observability.init_app(app)
        static_files.init_app(app)
    return app


def init_migrations(app: Flask) -> None:
    """Alembic (through Flask-Migrate) for `compliance db ...`; imported only when needed,
    since it is the slowest import of all."""
    from flask_migrate import Migrate

    from compliance.extensions import db

    Migrate(app, db, directory=str(FILES_ROOT / "migrations"), render_as_batch=True,
            compare_type=True)


def _init_extensions(app: Flask, *, web: bool, models: Iterable[str] | None) -> None:
    from sqlalchemy import event

    from compliance.extensions import babel, db
    from compliance.i18n import select_locale

    if models is None:
        from compliance import models as every_model  # noqa: F401  for Alembic, relationships
    else:
        for name in models:
            importlib.import_module(name)
    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
    if web:
        _init_web_extensions(app)


def _init_web_extensions(app: Flask) -> None:
    from flask import g

    from compliance.auth.models import User
    from compliance.extensions import compress, csrf, db, login_manager

    csrf.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The cookie's user, if its session generation is still the account's: logging
        out, a new password or a switched-off account end every session at once."""
        number, _, generation = user_id.partition(":")
        user = db.session.get(User, int(number)) if number.isdigit() and generation else None
        if user is None or not user.active:
            return None
        if not hmac.compare_digest(user.session_token, generation):
            return None
        g.user_language = user.locale  # for a fault page, which cannot ask the database
        return user


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
    import compliance.auth.reset_views
    import compliance.auth.views
    import compliance.campaigns.views
    import compliance.dashboard.views
    import compliance.devices.views
    import compliance.evidence.views
    import compliance.home.views
    import compliance.manual.views
    import compliance.members.views
    import compliance.notifications.views
    import compliance.reminders.views
    import compliance.reports.views
    import compliance.requests_.views
    import compliance.reviews.views
    import compliance.tokens.views
    import compliance.users.invitation_views
    import compliance.users.views  # noqa: F401  the views attach their routes
    from compliance.actions import bp as actions_bp
    from compliance.api import MODULES
    from compliance.api import bp as api_bp
    from compliance.assessments import bp as assessments_bp
    from compliance.auth import bp as auth_bp
    from compliance.campaigns import bp as campaigns_bp
    from compliance.dashboard import bp as dashboard_bp
    from compliance.devices import bp as devices_bp
    from compliance.errors import register_error_handlers
    from compliance.evidence import bp as evidence_bp
    from compliance.extensions import csrf
    from compliance.home import bp as home_bp
    from compliance.manual import bp as manual_bp
    from compliance.members import bp as members_bp
    from compliance.notifications import bp as notifications_bp
    from compliance.reminders import bp as reminders_bp
    from compliance.reports import bp as reports_bp
    from compliance.requests_ import bp as requests_bp
    from compliance.reviews import bp as reviews_bp
    from compliance.tokens import bp as tokens_bp
    from compliance.users import bp as users_bp

    for blueprint in (auth_bp, home_bp, manual_bp, members_bp, users_bp, campaigns_bp,
                      assessments_bp, evidence_bp, reviews_bp, requests_bp, actions_bp,
                      dashboard_bp, reminders_bp, notifications_bp, reports_bp, devices_bp,
                      tokens_bp):
        app.register_blueprint(blueprint)
    for module in MODULES:  # the API's operations attach their routes
        importlib.import_module(module)
    csrf.exempt(api_bp)  # token authentication, no cookies: no cross-site forms to fear
    app.register_blueprint(api_bp)
    register_error_handlers(app)


def _connect_listeners() -> None:
    """Higher features react to lower ones through signals (compliance.signals)."""
    import compliance.assessments.listeners
    import compliance.devices.listeners
    import compliance.history.listeners
    import compliance.notifications.listeners
    import compliance.requests_.listeners
    import compliance.reviews.listeners  # noqa: F401


def _register_cli(app: Flask) -> None:
    """The commands for `flask --app wsgi ...`; the `compliance` script loads them one at a
    time from the same table (compliance/commands.py)."""
    from compliance.commands import COMMANDS, load_command

    for name in COMMANDS:
        if name not in app.cli.commands and name not in ("run", "shell", "routes", "db"):
            app.cli.add_command(load_command(name), name)


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
        if app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: only ever over HTTPS
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'")
        return response
