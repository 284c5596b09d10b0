"""WSGI entry point from a checkout: `gunicorn wsgi:app`, or `flask --app wsgi ...`
(an installed package: `gunicorn compliance.wsgi:app`)."""

from compliance.wsgi import app

__all__ = ["app"]
