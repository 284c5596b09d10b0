"""A second application on the tests' database with other settings (closed afterwards)."""

from __future__ import annotations

import pytest

from compliance import create_app
from compliance.extensions import db as database
from tests.conftest import FAST_ARGON2, test_environ


@pytest.fixture
def app_with(tmp_path, database_url, db):  # noqa: ARG001 - db empties the tables afterwards
    made = []

    def build(**environ: str):
        app = create_app({"TESTING": True, "ARGON2_PARAMETERS": FAST_ARGON2},
                         environ={**test_environ(tmp_path, database_url), **environ})
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            database.session.remove()
            database.engine.dispose()
