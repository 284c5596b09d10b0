"""compliance manual validate|import|list

Each command takes one version (its folder or manual.yaml) or a folder of versions
(checklists/mdr-cmd): then every version in it, oldest first.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask.cli import AppGroup

from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual import queries
from compliance.manual.loader import ManualData, read_versions
from compliance.manual.services import ImportResult, import_manual

manual_cli = AppGroup("manual", help="The quality manual: validate, import and list versions.")
BASIS_WORDS = (("law", "law"), ("standard", "standard"), ("good_practice", "good practice"))


def counts_text(requirements: int, major: int, basis: Counter) -> str:
    """"83 major, 57 minor; law 82, standard 53, good practice 5"."""
    text = f"{major} major, {requirements - major} minor"
    if basis:
        text += "; " + ", ".join(f"{word} {basis.get(code, 0)}" for code, word in BASIS_WORDS)
    return text


def _summary(manual: ManualData) -> str:
    requirements = manual.requirements
    basis = Counter(r.basis for r in requirements if r.basis)
    text = (f"{manual.key} {manual.version}: {len(manual.chapters)} chapters, "
            f"{len(requirements)} requirements, "
            f"{sum(len(r.references) for r in requirements)} references; "
            + counts_text(len(requirements), sum(r.criticality == "major" for r in requirements),
                          basis))
    if manual.previous:
        text += f"; follows {manual.previous}, key map of {len(manual.key_map)} entries"
    return text


def _read_or_fail(path: str) -> list[ManualData]:
    manuals, problems = read_versions(Path(path))
    if problems or not manuals:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{path}: {len(problems)} problem(s) found")
    return manuals


@manual_cli.command("validate")
@click.argument("path")
def validate(path: str) -> None:
    """Check a manual version, or every version of a folder, and list every problem."""
    for manual in _read_or_fail(path):
        click.echo(f"valid: {_summary(manual)}")


@manual_cli.command("import")
@click.argument("path")
def import_(path: str) -> None:
    """Import a manual version, or every version of a folder (oldest first); the same
    content twice changes nothing."""
    manuals = _read_or_fail(path)
    results: list[tuple[ManualData, ImportResult]] = []
    try:
        for manual in manuals:
            results.append((manual, import_manual(manual)))
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    for manual, result in results:
        click.echo(_result_line(manual, result))


def _result_line(manual: ManualData, result: ImportResult) -> str:
    if result.created:
        line = f"imported {_summary(manual)}"
        if result.previous_missing:
            line += (f"\nnote: version {manual.previous}, which {manual.version} follows, is "
                     "not imported; the key map is checked against it when it is")
        return line
    if result.completed:
        return (f"{manual.key} {manual.version} is already imported; its basis, retention "
                "table, release notes and key map were stored")
    return f"{manual.key} {manual.version} is already imported; nothing changed"


@manual_cli.command("list")
def list_() -> None:
    """List the imported manual versions, newest first."""
    versions = db.session.scalars(queries.versions_query()).all()
    if not versions:
        click.echo("no manual imported yet: run 'compliance manual import checklists/mdr-cmd'")
        return
    for version in versions:
        stats = queries.version_stats(version)
        follows = f"\tfollows {version.previous_version}" if version.previous_version else ""
        click.echo(f"{version.manual_key}\t{version.version}\t{version.published or '-'}\t"
                   f"{stats['chapters']} chapters\t{stats['requirements']} requirements\t"
                   f"{counts_text(stats['requirements'], stats['major'], stats['basis'])}"
                   f"{follows}\timported {version.created_at:%Y-%m-%d %H:%M}")
