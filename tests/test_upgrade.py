"""The upgrade procedure of README.md (back up, migrate, restart) from the previous
release's schema (Alembic revision 412fa578f77e) with a whole demo's data in place: every
row is still there, the new columns have their values, the audit chain verifies and the
pages work."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from compliance.audit import verify_chain
from compliance.backup.manifest import Manifest
from compliance.extensions import db
from tests.conftest import login, make_app
from tests.databases import new_database

pytestmark = pytest.mark.db

PREVIOUS_RELEASE = "412fa578f77e"


def schema() -> dict[str, list[str]]:
    """Each table's columns, as the database has them now."""
    with db.engine.connect() as conn:
        return {name: sorted(c["name"] for c in inspect(conn).get_columns(name))
                for name in inspect(conn).get_table_names() if name != "alembic_version"}


def all_rows(columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of these tables, in these columns (the previous release's schema)."""
    rows = {}
    with db.engine.connect() as conn:
        for name, names in sorted(columns.items()):
            listed = ", ".join(f'"{c}"' for c in names)
            rows[name] = sorted(tuple(map(str, row)) for row in conn.execute(
                text(f'SELECT {listed} FROM "{name}"')))
    return rows


def test_upgrading_from_the_previous_release_keeps_every_row(database_url, tmp_path,
                                                             monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    with new_database(database_url, tmp_path) as url:
        app = make_app(tmp_path / "instance", url)
        runner = app.test_cli_runner()
        with app.app_context():
            upgrade()
            assert runner.invoke(args=["demo"]).exit_code == 0
            db.session.remove()
            # The previous release's schema, with the data its code had written.
            downgrade(revision=PREVIOUS_RELEASE)
            previous = schema()
            before = all_rows(previous)
        assert sum(map(len, before.values())) > 1000 and before["pre_audit"]

        backup = runner.invoke(args=["backup", str(tmp_path / "before-upgrade")])
        assert backup.exit_code == 0, backup.output
        assert Manifest.read(tmp_path / "before-upgrade").schema_revision == PREVIOUS_RELEASE
        migrated = runner.invoke(args=["db", "upgrade"])
        assert migrated.exit_code == 0, migrated.output

        with app.app_context():
            assert all_rows(previous) == before
            with db.engine.connect() as conn:
                assessments = conn.execute(text("SELECT DISTINCT revision FROM assessment"))
                assert [r for (r,) in assessments] == [1]
                audits = conn.execute(text(
                    "SELECT state, completed_at IS NOT NULL, revision FROM pre_audit")).all()
            assert any(done for _, done, _ in audits)  # a signed-off pre-audit among them
            assert all(state == ("completed" if done else "in_progress") and revision == 1
                       for state, done, revision in audits)
            assert verify_chain().ok
        client = app.test_client()
        assert login(client, "manager.a@demo.example", "demo password 123").status_code == 302
        assert client.get("/").status_code == 200
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
