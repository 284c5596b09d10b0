"""The `compliance` console script: this app's commands, each loaded when it is used.

`compliance --help` imports nothing of the application. A command imports its own module
and builds the app it needs: without the pages (``create_app(web=False)``) for the
commands that use neither pages, links nor e-mails, which then start several times
faster; the whole app for the others (a command not known here is looked up there).
A wrong setting stops it with one line instead of a traceback, and so does a database
that cannot be reached or has not been migrated.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from compliance.commands import COMMANDS, Command, load_command

if TYPE_CHECKING:
    from flask import Flask


def build_app(kind: str, models: tuple[str, ...] | None = None) -> Flask:
    from compliance import create_app, init_migrations

    app = create_app(web=kind == "web", models=models)
    if kind == "migrations":
        init_migrations(app)
    return app


class CommandLine(click.Group):
    """The commands of compliance.commands.COMMANDS, each imported when it is used."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.loaded_app: Flask | None = None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        spec = COMMANDS.get(name, Command("", "", "web"))
        if spec.app == "none":
            return load_command(name)
        from flask.cli import ScriptInfo

        ctx.obj = ScriptInfo(create_app=lambda: self._build(spec.app, spec.models),
                             set_debug_flag=False)
        if spec.target:
            return load_command(name)
        return ctx.obj.load_app().cli.get_command(ctx, name)  # added by a plugin or elsewhere

    def _build(self, kind: str, models: tuple[str, ...] | None) -> Flask:
        self.loaded_app = build_app(kind, models)
        return self.loaded_app

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name].help) for name in self.list_commands(ctx)])


@click.command("files")
@click.argument("name", type=click.Choice(["checklists", "templates", "static", "migrations"]),
                default="checklists")
def files_command(name: str) -> None:
    """Print the folder of the shipped templates, static files, migrations or manual.

    The checkout's top-level folder, or its copy inside the installed package: e.g.
    compliance manual import "$(compliance files checklists)/mdr-cmd".
    """
    from compliance import FILES_ROOT

    click.echo(FILES_ROOT / name)


commands = CommandLine(name="compliance", help="MDR compliance tracker.")


def main() -> None:
    try:
        commands.main(prog_name="compliance")
    except Exception as exc:
        code, message = explain(exc, commands.loaded_app)
        if message is None:
            raise
        click.echo(f"Error: {message}", err=True)
        sys.exit(code)


def explain(exc: Exception, app: Flask | None) -> tuple[int, str | None]:
    """The one line (and exit status) for a failure the operator can fix, else None."""
    from compliance.config import ConfigError

    if isinstance(exc, ConfigError):
        return 2, f"configuration: {exc}"
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and app is not None:
        return 1, f"database: {database_problem(app, exc)}"
    return 1, None


def database_problem(app: Flask, exc: Exception) -> str:
    """Name the real cause of a database error: a database that cannot be reached (or does
    not exist), one without this application's schema, or one at an older revision."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    from compliance import FILES_ROOT
    from compliance.extensions import db

    reason = _first_line(getattr(exc, "orig", None) or exc)
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=True)
        try:
            with db.engine.connect() as conn:
                tables = inspect(conn).get_table_names()
                current = MigrationContext.configure(conn).get_current_revision()
        except DBAPIError as down:
            return f"cannot connect to {url}: {_first_line(down.orig or down)}"
        finally:
            db.engine.dispose()
    if "alembic_version" not in tables:
        return f"{url} has no schema yet: run 'compliance db upgrade' ({reason})"
    head = ScriptDirectory(str(FILES_ROOT / "migrations")).get_current_head()
    if current != head:
        return (f"{url} is at schema revision {current}, this version needs {head}: run "
                f"'compliance db upgrade' ({reason})")
    return reason


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
