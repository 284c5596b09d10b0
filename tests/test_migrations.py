"""The migrations build the schema from empty, and it matches the models."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from compliance.extensions import db
from tests.conftest import make_app


@pytest.fixture
def migrated_database_url(database_url, tmp_path):
    """An empty database of the same kind as the tests' (own schema on PostgreSQL)."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in database_url else "?"
    yield f"{database_url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def test_models_and_migrations_agree(migrated_database_url, tmp_path):
    app = make_app(tmp_path, migrated_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="checks PostgreSQL's own URL handling")
def test_postgresql_url_uses_psycopg3(database_url):
    assert database_url.startswith("postgresql+psycopg://")


def test_upgrading_keeps_existing_rows(migrated_database_url, tmp_path):
    """Rows written under the first schema are still there, whole, after every migration."""
    app = make_app(tmp_path, migrated_database_url)
    with app.app_context():
        upgrade(revision="0e578ab69e44")  # members, users and the manual
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO member (id, code, name, enterprise_number, region, activities, "
                "created_at) VALUES (1, 'OLD-1', 'Old workshop', '0123.456.749', 'brussels', "
                "'[\"insoles\"]', '2024-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO user_account (id, email, name, password_hash, role, member_id, "
                "active, password_changed_at, created_at) VALUES (1, 'old@x.example', 'Old', "
                "'hash', 'member_manager', 1, :yes, '2024-01-01 00:00:00', "
                "'2024-01-01 00:00:00')"), {"yes": True})
        upgrade()
        with db.engine.connect() as conn:
            member = conn.execute(text("SELECT code, name FROM member")).one()
            user = conn.execute(text(
                "SELECT email, digest_enabled, calendar_token FROM user_account")).one()
        assert tuple(member) == ("OLD-1", "Old workshop")
        assert user[0] == "old@x.example" and bool(user[1]) is True and user[2] is None
        db.engine.dispose()


def test_notices_are_read_back_into_a_message_key(migrated_database_url, tmp_path):
    """Notices written as Dutch or French words before the migration are shown in the
    reader's language after it; words that do not read as a notice stay as they were."""
    from compliance.reminders.models import Notice
    from compliance.reminders.notices import notice_text

    app = make_app(tmp_path, migrated_database_url)
    with app.app_context():
        upgrade(revision="5a1c0e7b2d41")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO user_account (id, email, name, password_hash, role, active, "
                "password_changed_at, created_at, digest_enabled) VALUES (1, 'a@x.example', "
                "'A', 'hash', 'member_manager', :yes, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00', :yes)"), {"yes": True})
            for notice_id, words in (
                    (1, "Uiterste datum corrigerende maatregel — DEMO-A — ORG-01: Procedure "
                        "aanpassen — 12 mrt 2026 (over 7 dagen)"),
                    (2, "Revue de pré-audit à faire — DEMO-B — DEMO-B — Campagne 2026 — "
                        "20 mars 2026 (dans 14 jours)"),
                    (3, "Something else entirely")):
                conn.execute(text(
                    "INSERT INTO notice (id, user_id, created_at, text, url, due) VALUES "
                    "(:id, 1, '2026-03-05 08:00:00', :text, '/x', :due)"),
                    {"id": notice_id, "text": words,
                     "due": "2026-03-12" if notice_id == 1 else "2026-03-20"})
        upgrade()
        with app.test_request_context(headers={"Accept-Language": "en"}):
            notices = {n.id: n for n in db.session.scalars(db.select(Notice))}
            assert (notices[1].kind, notices[1].params) == ("action_due", {
                "member": "DEMO-A", "subject": "ORG-01: Procedure aanpassen", "titles": {}})
            assert notices[2].params["subject"] == "DEMO-B — Campagne 2026"
            assert notices[3].kind is None
            assert notice_text(notices[1], "en") == ("Corrective action due — DEMO-A — "
                                                     "ORG-01: Procedure aanpassen — "
                                                     "12 Mar 2026 (in 7 days)")
            assert notice_text(notices[2], "en").startswith("Pre-audit review due — DEMO-B")
            assert notice_text(notices[3], "en") == "Something else entirely"
        db.session.remove()
        db.engine.dispose()
