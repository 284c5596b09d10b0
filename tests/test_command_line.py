"""The `compliance` script: a command imports only what it needs, and what goes wrong
with the database or an e-mail address is named in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from compliance import FILES_ROOT
from compliance.auth.models import User
from compliance.cli import database_problem
from compliance.commands import COMMANDS, load_command
from compliance.extensions import db
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("flask", "sqlalchemy", "alembic", "reportlab", "icalendar", "compliance.models",
         "compliance.assessments.views", "compliance.reports.common",
         "compliance.notifications.listeners", "compliance.mail",
         "email_validator", "compliance.assessments.models")
SHOW_MODULES = ("import atexit, sys; atexit.register(lambda: print('LOADED', ' '.join("
                f"m for m in {HEAVY!r} if m in sys.modules))); "
                "from compliance.cli import main; main()")


def compliance(*args: str, **environ: str) -> subprocess.CompletedProcess:
    """The console script in a process of its own, on this checkout."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COMPLIANCE_ENV": "development",
           **environ}
    return subprocess.run([sys.executable, "-c", SHOW_MODULES, *args], env=env,
                          capture_output=True, text=True, check=False)


def loaded(result: subprocess.CompletedProcess) -> set[str]:
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADED"))
    return set(line.split()[1:])


def test_help_imports_no_part_of_the_application(tmp_path):
    result = compliance("--help", COMPLIANCE_INSTANCE=str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    assert loaded(result) == set()


def test_a_command_without_pages_imports_no_page_no_pdf_and_no_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'compliance.db'}"
    app = make_app(tmp_path, url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    result = compliance("manual", "list", COMPLIANCE_INSTANCE=str(tmp_path), DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("no manual imported yet")
    assert loaded(result) == {"flask", "sqlalchemy"}  # not even the other features' models


def test_the_commands_with_their_own_models_work_on_them_alone(tmp_path):
    """manual and audit import only their models (compliance.commands): an import writes
    audit events, verify and list read them, in processes that never saw the rest."""
    url = f"sqlite:///{tmp_path / 'compliance.db'}"
    app = make_app(tmp_path, url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    env = {"COMPLIANCE_INSTANCE": str(tmp_path), "DATABASE_URL": url}
    imported = compliance("manual", "import", str(ROOT / "tests" / "data" / "manual-min"), **env)
    assert imported.returncode == 0, imported.stderr
    assert "compliance.assessments.models" not in loaded(imported)
    verified = compliance("audit", "verify", **env)
    assert verified.stdout.startswith("audit chain whole: 1 events"), verified.stderr
    listed = compliance("audit", "list", **env)
    assert "\tmanual.imported\t" in listed.stdout
    assert "compliance.assessments.models" not in loaded(listed) | loaded(verified)


def test_a_commands_own_models_hold_every_model_their_relationships_reach(app):
    """What a light command imports must configure on its own: its models' relationships
    (and theirs) reach no model left out."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    reaches: dict[str, set[str]] = {}
    for mapper in db.Model.registry.mappers:
        reaches.setdefault(mapper.class_.__module__, set()).update(
            r.mapper.class_.__module__ for r in mapper.relationships)
    for name, spec in COMMANDS.items():
        if spec.models is not None:
            reached = set().union(*(reaches.get(m, set()) for m in spec.models))
            assert reached <= set(spec.models), (name, reached - set(spec.models))


def test_the_table_lists_every_command_with_its_own_help(app):
    for name, spec in COMMANDS.items():
        command = load_command(name)
        actual = " ".join((command.short_help or command.help.split("\n\n")[0]).split())
        assert actual == spec.help, name
    with app.app_context():
        registered = set(app.cli.list_commands(click.Context(app.cli)))
    assert registered - set(COMMANDS) == set()  # a command added to the app but not here


def test_a_database_that_cannot_be_reached_is_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'compliance.db'}"
    result = compliance("manual", "list", COMPLIANCE_INSTANCE=str(tmp_path), DATABASE_URL=url)
    assert result.returncode == 1
    assert result.stderr.strip() == \
        f"Error: database: cannot connect to {url}: unable to open database file"


@pytest.mark.db
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="needs the PostgreSQL server")
def test_a_postgresql_database_that_does_not_exist_is_named(tmp_path):
    url = make_url(os.environ["TEST_DATABASE_URL"])
    missing = url.set(database=f"{url.database}_missing").render_as_string(hide_password=True)
    result = compliance("audit", "verify", COMPLIANCE_INSTANCE=str(tmp_path),
                        DATABASE_URL=url.set(database=f"{url.database}_missing")
                        .render_as_string(hide_password=False))
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: database: cannot connect to {missing}: ")
    assert f'database "{url.database}_missing" does not exist' in result.stderr


def test_a_database_without_the_schema_says_to_migrate(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = compliance("manual", "list", COMPLIANCE_INSTANCE=str(tmp_path), DATABASE_URL=url)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: database: {url} has no schema yet: run 'compliance db upgrade' "
        "(no such table: manual_version)")


def test_a_database_at_an_older_revision_says_to_migrate(tmp_path):
    from flask_migrate import upgrade

    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        upgrade(revision="412fa578f77e")
    error = OperationalError("SELECT revision FROM assessment", {}, Exception("no such column"))
    head = ScriptDirectory(str(FILES_ROOT / "migrations")).get_current_head()
    assert database_problem(app, error) == (
        f"sqlite:///{tmp_path / 'old.db'} is at schema revision 412fa578f77e, this version "
        f"needs {head}: run 'compliance db upgrade' (no such column)")


def test_an_invalid_email_address_is_refused_in_one_line(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "bad", "--role", "admin"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: bad is not an e-mail address."
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
