"""Password reset from the login page, over a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from compliance.auth.models import PasswordReset
from compliance.auth.resets import MAX_PER_EMAIL
from compliance.db import utcnow
from compliance.extensions import db
from tests.accounts.mailbox import link_path, text_of, to, wait_for
from tests.conftest import login, post

NEW = "my brand new password"
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


def ask(client, email: str, **headers):
    return post(client, "/password/forgot", {"email": email}, headers=headers)


def set_password(client, path: str, password: str = NEW):
    return post(client, path, {"new_password": password, "confirm": password})


def test_the_login_page_offers_a_reset(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in html


def test_reset_flow_ends_every_other_session(app, client, people, smtp_server):
    elsewhere = app.test_client()  # the person is logged in on another computer
    login(elsewhere, people["manager"])
    assert elsewhere.get("/").status_code == 200
    response = ask(client, people["manager"].upper())
    assert response.status_code == 200
    assert "If manager@a.example belongs to an account" in response.get_data(as_text=True)
    [message] = wait_for(smtp_server, 1)
    path = link_path(message[1])
    assert "choose a new password" in message[1]["Subject"].lower()
    page = client.get(path)
    assert page.status_code == 200 and people["manager"] in page.get_data(as_text=True)
    short = set_password(client, path, "short")
    assert short.status_code == 400
    done = set_password(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/").status_code == 200  # this browser is logged in
    assert elsewhere.get("/").status_code == 302  # the other session ended
    notices = to(smtp_server, people["manager"])
    assert len(notices) == 2 and "password was changed" in notices[1]["Subject"]
    assert "If it was not you" in text_of(notices[1])
    post(client, "/logout")
    assert login(client, people["manager"]).status_code == 401
    assert login(client, people["manager"], NEW).status_code == 302
    post(client, "/logout")
    reused = client.get(path)
    assert reused.status_code == 410 and "already used" in reused.get_data(as_text=True)


def _page_without_tokens(response) -> str:
    return CSRF_VALUE.sub(r'\1…"', response.get_data(as_text=True))


def test_known_and_unknown_addresses_get_the_same_answer(app, people, smtp_server):
    known, unknown = app.test_client(), app.test_client()
    a = ask(known, people["contributor"], HTTP_ACCEPT_LANGUAGE="fr")
    b = ask(unknown, "nobody.at.all@a.example", HTTP_ACCEPT_LANGUAGE="fr")
    assert a.status_code == b.status_code == 200
    assert _page_without_tokens(a).replace(people["contributor"], "X") == \
        _page_without_tokens(b).replace("nobody.at.all@a.example", "X")
    wait_for(smtp_server, 1)
    assert [rcpt for rcpt, _ in smtp_server.messages] == [[people["contributor"]]]
    with app.app_context():
        assert db.session.query(PasswordReset).count() == 1


def test_asking_is_throttled_per_address_whether_known_or_not(app, people, smtp_server):
    client = app.test_client()
    for email in (people["manager"], "ghost@a.example"):
        for _ in range(MAX_PER_EMAIL):
            assert ask(client, email).status_code == 200
        blocked = ask(client, email)
        assert blocked.status_code == 429
        assert "Too many requests for a reset link. Try again in" in \
            blocked.get_data(as_text=True)
    assert len(wait_for(smtp_server, MAX_PER_EMAIL)) == MAX_PER_EMAIL


def test_an_expired_reset_link_is_refused(app, client, people, smtp_server):
    ask(client, people["manager"])
    path = link_path(wait_for(smtp_server, 1)[0][1])
    with app.app_context():
        db.session.scalar(select(PasswordReset)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = set_password(client, path)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert login(client, people["manager"]).status_code == 302  # the password did not change


def test_a_switched_off_account_gets_no_link(app, client, people, smtp_server):
    with app.app_context():
        from compliance.auth.models import User
        db.session.scalar(select(User).where(User.email == people["manager"])).active = False
        db.session.commit()
    assert ask(client, people["manager"]).status_code == 200
    wait_for(smtp_server, 1, seconds=0.5)
    assert smtp_server.messages == []


def test_a_bad_address_is_named(client):
    response = ask(client, "not an address", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Invalid email address" in response.get_data(as_text=True)
