"""compliance manual validate|import|list"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual import queries
from compliance.manual.loader import ManualData, read_manual
from compliance.manual.services import import_manual

manual_cli = AppGroup("manual", help="The quality manual: validate, import and list versions.")


def _summary(manual: ManualData) -> str:
    requirements = manual.requirements
    return (f"{manual.key} {manual.version}: {len(manual.chapters)} chapters, "
            f"{len(requirements)} requirements, "
            f"{sum(len(r.references) for r in requirements)} references")


def _read_or_fail(path: str) -> ManualData:
    manual, problems = read_manual(Path(path))
    if problems or manual is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{path}: {len(problems)} problem(s) found")
    return manual


@manual_cli.command("validate")
@click.argument("path")
def validate(path: str) -> None:
    """Check a manual folder (or its manual.yaml) and list every problem."""
    manual = _read_or_fail(path)
    click.echo(f"valid: {_summary(manual)}")


@manual_cli.command("import")
@click.argument("path")
def import_(path: str) -> None:
    """Import a manual version; the same content twice changes nothing."""
    manual = _read_or_fail(path)
    try:
        result = import_manual(manual)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    if result.created:
        click.echo(f"imported {_summary(manual)}")
    else:
        click.echo(f"{manual.key} {manual.version} is already imported; nothing changed")


@manual_cli.command("list")
def list_() -> None:
    """List the imported manual versions, newest first."""
    versions = db.session.scalars(queries.versions_query()).all()
    if not versions:
        click.echo("no manual imported yet: run 'compliance manual import checklists/mdr-cmd'")
        return
    for version in versions:
        stats = queries.version_stats(version)
        click.echo(f"{version.manual_key}\t{version.version}\t{version.published or '-'}\t"
                   f"{stats['chapters']} chapters\t{stats['requirements']} requirements\t"
                   f"imported {version.created_at:%Y-%m-%d %H:%M}")
