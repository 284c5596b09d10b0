"""The `compliance` console script: this app's Flask CLI.

A wrong setting stops it with one line instead of a traceback.
"""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from compliance.config import ConfigError


def main() -> None:
    from compliance import create_app

    try:
        app = create_app()
    except ConfigError as exc:
        click.echo(f"Error: configuration: {exc}", err=True)
        sys.exit(2)
    cli = FlaskGroup(create_app=lambda: app, help="MDR compliance tracker.")
    cli.main(prog_name="compliance")
