"""WSGI entry point: `gunicorn wsgi:app`, or `flask --app wsgi ...`."""

import sys

from compliance import create_app
from compliance.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    sys.exit(f"configuration error: {exc}")
