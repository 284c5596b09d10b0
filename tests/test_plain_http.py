"""Logging in over plain HTTP while cookies travel over HTTPS only (production before the
proxy is set up) explains itself, instead of "Form expired"."""

from __future__ import annotations

import logging

import pytest

from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def secure_cookies(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)


def login_as_a_browser_over_http(app, client, email: str, language: str = "en"):
    """What a browser does over http://: it keeps the Secure session cookie the login
    page set, so the form arrives without it."""
    token = csrf_token(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None and cookie.secure
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    return client.post("/login", data={"csrf_token": token, "email": email,
                                       "password": factories.PASSWORD},
                       headers={"Accept-Language": language})


def test_a_login_over_plain_http_says_https_is_needed(app, client, people, secure_cookies,
                                                      caplog):
    with caplog.at_level(logging.WARNING):
        response = login_as_a_browser_over_http(app, client, people["manager"])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Secure connection needed" in page and "https://" in page
    assert "Form expired" not in page
    assert any("SESSION_COOKIE_SECURE" in r.getMessage() and "TRUSTED_PROXIES" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize(("language", "title"), [("fr", "Connexion sécurisée requise"),
                                                 ("nl", "Beveiligde verbinding vereist")])
def test_the_explanation_is_in_the_users_language(app, client, people, secure_cookies,
                                                  language, title):
    page = login_as_a_browser_over_http(app, client, people["manager"], language)
    assert title in page.get_data(as_text=True)


def test_the_same_login_over_https_works(app, people, secure_cookies):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"},
                           data={"csrf_token": token, "email": people["manager"],
                                 "password": factories.PASSWORD})
    assert response.status_code == 302


def test_without_secure_cookies_a_missing_session_is_an_expired_form(app, client, people):
    """Over HTTPS-less development a lost session is a form left open too long: the login
    page comes back fresh with a message, nobody is logged in."""
    token = csrf_token(client)
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    response = client.post("/login", data={"csrf_token": token, "email": people["manager"],
                                           "password": factories.PASSWORD},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The page had expired, so nothing was sent" in page
    assert "Secure connection needed" not in page
    assert client.get("/", headers={"Accept-Language": "en"}).status_code in (302, 303)
