"""Small things a browser or an attacker relies on: HSTS when cookies are secure, and no
500 on a malformed redirect target."""

import pytest

from tests import factories
from tests.conftest import csrf_token, login, post


def test_hsts_when_cookies_are_secure(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers  # plain HTTP dev
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("target", [
    "/assessments/\r\nSet-Cookie: session=stolen", "/x\nLocation: https://evil.example",
    "/\x00", "http://[::1", "//evil.example/", "https://evil.example/", "/\\evil.example",
    "javascript:alert(1)"])
def test_a_malformed_or_foreign_next_lands_on_the_start_page(app, client, people, target):
    response = post(client, "/login", {"email": people["manager"],
                                       "password": factories.PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_path_on_this_site_is_followed(app, client, people):
    response = post(client, "/login", {"email": people["manager"],
                                       "password": factories.PASSWORD,
                                       "next": "/assessments/?x=1"})
    assert response.headers["Location"] == "/assessments/?x=1"


@pytest.mark.parametrize("referrer", ["http://[bad/page", "http://localhost/ok\u2028"])
def test_choosing_a_language_with_a_malformed_referrer(app, client, people, referrer):
    login(client, people["manager"])
    response = client.post("/language", data={"csrf_token": csrf_token(client),
                                              "locale": "nl"},
                           headers={"Referer": referrer})
    assert response.status_code == 302
