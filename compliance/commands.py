"""The table of the `compliance` commands: where each lives, its help line, and which app
it needs; compliance/cli.py loads them one at a time, create_app registers them all for
`flask --app wsgi ...`."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import click


@dataclass(frozen=True)
class Command:
    target: str  # "module:attribute"
    help: str  # shown by `compliance --help`, without importing the module
    app: str = "web"  # "web": the whole app; "light": no pages; "migrations": light + Alembic
    models: tuple[str, ...] | None = None  # a light app's model modules (None: every one)


#: The audit trail's models and those its rows point to (the actor, the member). A light
#: command that names its models imports only these and its own: the other features'
#: models are most of what a command takes to start. tests/test_cli.py checks that each
#: set holds every model its relationships reach.
AUDIT_MODELS = ("compliance.audit", "compliance.auth.models", "compliance.members.models")


COMMANDS: dict[str, Command] = {
    "manual": Command("compliance.manual.cli:manual_cli",
                      "The quality manual: validate, import and list versions.", "light",
                      ("compliance.manual.models", *AUDIT_MODELS)),
    "members": Command("compliance.members.cli:members_cli", "Member workshops."),
    "users": Command("compliance.users.cli:users_cli", "User accounts."),
    "audit": Command("compliance.audit_cli:audit_cli", "The audit trail.", "light",
                     AUDIT_MODELS),
    "backup": Command("compliance.backup.cli:backup_command",
                      "Back up the database, then the evidence files, into a new folder.",
                      "light"),
    "restore": Command("compliance.backup.cli:restore_command",
                       "Restore a backup into an empty database and evidence folder, then "
                       "check it.", "light"),
    "evidence": Command("compliance.evidence.cli:evidence_cli",
                        "The evidence store.", "light"),
    "db": Command("flask_migrate.cli:db", "Perform database migrations.",
                  "migrations"),
    "reminders": Command("compliance.reminders.cli:reminders_cli", "Deadline reminders."),
    "scheduler": Command("compliance.reminders.cli:scheduler_command",
                         "Run the reminder pass daily at REMINDER_TIME, Europe/Brussels "
                         "(its own process)."),
    "report": Command("compliance.reports.cli:report_cli",
                      "PDF reports: self-assessment, pre-audit, sector."),
    "demo": Command("compliance.demo:demo_command", "Load the manual and the demo association "
                    "(idempotent; development only)."),
    "files": Command("compliance.cli:files_command",
                     "Print the folder of the shipped templates, static files, migrations "
                     "or manual.", "none"),
    "run": Command("flask.cli:run_command", "Run a development server."),
    "shell": Command("flask.cli:shell_command", "Run a shell in the app context."),
    "routes": Command("flask.cli:routes_command", "Show the routes for the app."),
}


def load_command(name: str) -> click.Command:
    module, attribute = COMMANDS[name].target.split(":")
    return getattr(import_module(module), attribute)
