"""WSGI entry point of an installed package: `gunicorn compliance.wsgi:app`.

A wrong setting stops the process with one line instead of a traceback.
"""

import sys

from compliance import create_app
from compliance.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    sys.exit(f"configuration error: {exc}")
