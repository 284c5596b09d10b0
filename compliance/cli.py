"""The `compliance` console script: this app's Flask CLI.

A wrong setting stops it with one line instead of a traceback.
"""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import DBAPIError

from compliance.config import ConfigError


def main() -> None:
    from compliance import create_app

    try:
        app = create_app()
    except ConfigError as exc:
        click.echo(f"Error: configuration: {exc}", err=True)
        sys.exit(2)
    cli = FlaskGroup(create_app=lambda: app, help="MDR compliance tracker.")
    try:
        cli.main(prog_name="compliance")
    except DBAPIError as exc:  # typically a database that was not migrated or not reachable
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        click.echo(f"Error: database: {reason} (has 'compliance db upgrade' been run?)",
                   err=True)
        sys.exit(1)
