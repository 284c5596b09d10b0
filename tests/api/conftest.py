"""API tests: tokens made through the page, as a manager would, then used as a client
would (Authorization: Bearer, no cookie)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login, post

SECRET = re.compile(r'id="token-secret"[^>]*value="([^"]+)"')


def make_token(client, email: str, name: str = "OrthoSoft", scopes=("read", "evidence")) -> str:
    login(client, email)
    page = post(client, "/tokens/", {"name": name, "scopes": list(scopes)})
    assert page.status_code == 200, page.get_data(as_text=True)
    secret = SECRET.search(page.get_data(as_text=True)).group(1)
    post(client, "/logout")
    client.delete_cookie("session")
    return secret


def bearer(secret: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}


@pytest.fixture
def api(app, db):
    """A client without cookies: each call names its token."""
    return app.test_client(use_cookies=False)


@pytest.fixture
def token_a(app, client, people) -> str:
    return make_token(client, people["manager"])


@pytest.fixture
def token_b(app, client, people) -> str:
    return make_token(client, people["manager_b"], name="Other workshop")
