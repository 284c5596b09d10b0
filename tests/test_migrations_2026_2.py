"""The migration for manual 2026.2 keeps every row: a version, its requirement and a
member's answer written under the schema before it are whole afterwards, with the new
fields empty; going back down keeps them too.

Beside test_migrations.py on purpose: Alembic's env.py reconfigures logging, so migration
tests run after the tests that read log records."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from compliance.extensions import db
from tests.conftest import make_app
from tests.test_migrations import migrated_database_url  # noqa: F401  the fixture

BEFORE = "5a1c0e7b2d41"
ROWS = [
    "INSERT INTO manual_version (id, manual_key, version, published, title, content_hash, "
    "created_at) VALUES (1, 'mdr-cmd', '2026.1', '2026-11-01', '{\"en\": \"Manual\"}', "
    "'89a985ef', '2026-11-02 08:00:00')",
    "INSERT INTO chapter (id, manual_version_id, key, position, title) VALUES "
    "(1, 1, 'ORG', 1, '{\"en\": \"Organisation\"}')",
    "INSERT INTO requirement (id, manual_version_id, chapter_id, key, position, title, "
    "guidance, evidence, \"references\", criticality, applies_to, text_hash) VALUES "
    "(1, 1, 1, 'ORG-01', 1, '{\"en\": \"A PRRC\"}', '{\"en\": \"Designate.\"}', "
    "'{\"en\": \"Letter\"}', '[\"MDR Art. 15(1)\"]', 'major', '[]', 'abc')",
    "INSERT INTO member (id, code, name, enterprise_number, region, activities, created_at) "
    "VALUES (1, 'OLD-1', 'Old workshop', '0123.456.749', 'brussels', '[\"insoles\"]', "
    "'2024-01-01 00:00:00')",
    "INSERT INTO campaign (id, title, manual_version_id, due_date, selection, carry_over, "
    "created_at) VALUES (1, 'Campaign 2026', 1, '2026-12-31', '{\"mode\": \"all\"}', :no, "
    "'2026-11-02 08:00:00')",
    "INSERT INTO assessment (id, campaign_id, member_id, state, state_changed_at, created_at, "
    "revision) VALUES (1, 1, 1, 'in_progress', '2026-11-03 08:00:00', '2026-11-02 08:00:00', 3)",
    "INSERT INTO answer (id, assessment_id, requirement_id, requirement_key, chapter_id, "
    "position, applicable_by_profile, included, status, comment, to_confirm, text_changed, "
    "revision) VALUES (1, 1, 1, 'ORG-01', 1, 1, :yes, :yes, 'partial', 'Signed in May.', "
    ":no, :no, 2)",
]


def test_rows_written_before_survive_the_migration(migrated_database_url, tmp_path):  # noqa: F811
    app = make_app(tmp_path, migrated_database_url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for statement in ROWS:
                conn.execute(text(statement), {"yes": True, "no": False})
        upgrade()
        with db.engine.connect() as conn:
            version = conn.execute(text(
                "SELECT version, content_hash, format, previous_version, release_notes, "
                "retention FROM manual_version")).one()
            requirement = conn.execute(text(
                "SELECT key, criticality, basis, retention FROM requirement")).one()
            answer = conn.execute(text(
                "SELECT status, comment, revision, carried_from FROM answer")).one()
            mappings = conn.execute(text("SELECT count(*) FROM key_mapping")).scalar()
        assert tuple(version) == ("2026.1", "89a985ef", 1, None, None, None)
        assert tuple(requirement) == ("ORG-01", "major", None, None)
        assert tuple(answer) == ("partial", "Signed in May.", 2, None) and mappings == 0
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            answer = conn.execute(text("SELECT status, comment FROM answer")).one()
        assert tuple(answer) == ("partial", "Signed in May.")
        db.engine.dispose()
