"""Fixtures: the app on SQLite (or TEST_DATABASE_URL), a clean database per test,
clients that log in through the real form, and real CSRF tokens."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from compliance import create_app
from compliance.extensions import db as _db
from tests import factories
from tests.databases import worker_database

DATA = Path(__file__).parent / "data"
# Property tests check what is generated, not how fast: a busy machine must not fail them.
settings.register_profile("project", deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def test_environ(instance: Path, database_url: str) -> dict[str, str]:
    # One audit key for every test app, as one installation has one: a database restored
    # into a new instance folder still verifies.
    return {"COMPLIANCE_ENV": "development", "COMPLIANCE_INSTANCE": str(instance),
            "DATABASE_URL": database_url, "AUDIT_KEY": "test-audit-key-" + "0" * 32}


def make_app(instance: Path, database_url: str, **config):
    return create_app({"TESTING": True, "ARGON2_PARAMETERS": FAST_ARGON2, **config},
                      environ=test_environ(instance, database_url))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """SQLite in a file of this session's, or TEST_DATABASE_URL; with pytest-xdist, each
    worker on PostgreSQL gets a database of its own next to it (test_gw0, test_gw1...),
    made the first time."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return worker_database(url, worker) if worker and url.startswith("postgresql") else url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("instance"), database_url)
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.create_all()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _empty_tables() -> None:
    """Every row deleted, and on PostgreSQL the ids counted from 1 again (a DELETE of the
    few rows a test writes takes a tenth of a TRUNCATE of every table)."""
    tables = _db.metadata.sorted_tables
    with _db.engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            used = conn.execute(text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) "
                "FROM pg_sequences WHERE last_value IS NOT NULL "
                "AND schemaname = current_schema()")).scalars().all()
            for sequence in used:
                conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


@pytest.fixture
def db(app):
    """A clean database; use ``with app.app_context():`` around direct model work."""
    yield _db
    with app.app_context():
        _db.session.remove()
        _empty_tables()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def csrf_token(client) -> str:
    page = client.get("/login", follow_redirects=True).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post(client, url: str, data: dict | None = None, **kwargs):
    """Submit a form as a browser would: with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def login(client, email: str, password: str = factories.PASSWORD):
    return post(client, "/login", {"email": email, "password": password})


@pytest.fixture
def manual_path() -> Path:
    return DATA / "manual-min"


@pytest.fixture
def people(app, db):
    """One member with a manager and a contributor, another member, a consultant
    assigned to the first, a staff user and an admin; returns their e-mails."""
    with app.app_context():
        a = factories.member(code="MEM-A", activities=["orthoses", "employees"])
        b = factories.member(code="MEM-B", activities=["prostheses"])
        users = {
            "manager": factories.user("manager@a.example", "member_manager", member=a),
            "contributor": factories.user("contributor@a.example", "member_contributor",
                                          member=a),
            "manager_b": factories.user("manager@b.example", "member_manager", member=b),
            "consultant": factories.user("consultant@x.example", "consultant", assigned=[a]),
            "staff": factories.user("staff@x.example", "staff"),
            "admin": factories.user("admin@x.example", "admin"),
        }
        _db.session.commit()
        return {role: user.email for role, user in users.items()}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every test that touches the database is marked `db`: CI runs them on PostgreSQL too."""
    for item in items:
        if {"db", "app", "migrated_database_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def assessments(app, db, people, manual_path):
    """A campaign on the test manual asking MEM-A and MEM-B; returns their ids.

    MEM-A (orthoses, employees) has ORG-01, ORG-02, MGT-01 applicable and MGT-02 not;
    MEM-B (prostheses) has ORG-01, MGT-01, MGT-02 applicable and ORG-02 not.
    """
    from compliance.campaigns.models import Campaign

    with app.app_context():
        version = factories.manual(manual_path)
        campaign = factories.campaign(version)
        _db.session.commit()
        ids = {a.member.code: a.id for a in campaign.assessments}
        answers = {(a.member.code, answer.requirement_key): answer.id
                   for a in _db.session.get(Campaign, campaign.id).assessments
                   for answer in a.answers}
        return {"a": ids["MEM-A"], "b": ids["MEM-B"], "campaign": campaign.id,
                "answers": answers, "version": version.id}


class _Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        import email
        from email import policy

        self.messages.append((envelope.rcpt_tos,
                              email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on 127.0.0.1; the app is pointed at it."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    yield inbox
    controller.stop()
