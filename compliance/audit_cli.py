"""compliance audit verify"""

import click
from flask.cli import AppGroup

from compliance.audit import verify_chain

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def verify() -> None:
    """Check that the hash chain of audit events is whole (exit 1 naming the first bad row)."""
    result = verify_chain()
    if not result.ok:
        raise click.ClickException(f"audit chain broken at event {result.bad_id}: "
                                   f"{result.reason} ({result.checked} events checked before)")
    click.echo(f"audit chain whole: {result.checked} events")
