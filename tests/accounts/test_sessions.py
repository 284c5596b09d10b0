"""Sessions end everywhere at once — copied cookies included — when the person logs out,
changes or resets their password, or is switched off; their lifetime is a setting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import select

from compliance.auth.models import User
from compliance.extensions import db
from tests.conftest import login, post


def copy_of(app, client):
    """Another browser holding a copy of this one's session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_logging_out_ends_a_copied_cookie_too(app, client, people):
    login(client, people["manager"])
    thief = copy_of(app, client)
    assert thief.get("/account").status_code == 200
    post(client, "/logout")
    assert thief.get("/account").status_code == 302
    assert client.get("/account").status_code == 302


def test_logging_out_ends_the_sessions_in_other_browsers(app, client, people):
    other = app.test_client()
    login(other, people["manager"])
    login(client, people["manager"])
    post(client, "/logout")
    assert other.get("/").status_code == 302


def test_a_new_password_keeps_this_browser_and_ends_the_others(app, client, people):
    login(client, people["manager"])
    thief = copy_of(app, client)
    other = app.test_client()
    login(other, people["manager"])
    changed = post(client, "/account/password", {
        "current_password": "correct horse battery", "new_password": "a new long password",
        "confirm": "a new long password"}, follow_redirects=True)
    assert "logged out everywhere else" in changed.get_data(as_text=True)
    assert client.get("/account").status_code == 200
    assert thief.get("/account").status_code == 302
    assert other.get("/account").status_code == 302


def test_switching_an_account_off_ends_its_sessions_and_on_again_does_not_revive_them(
        app, client, people):
    victim = app.test_client()
    login(victim, people["contributor"])
    kept = copy_of(app, victim)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == people["contributor"]))
    login(client, people["staff"])
    post(client, f"/users/{user_id}/active", {"active": "0"})
    assert victim.get("/").status_code == 302
    post(client, f"/users/{user_id}/active", {"active": "1"})
    assert kept.get("/").status_code == 302  # the old cookie stays dead


def test_a_cookie_of_the_old_kind_is_not_accepted(app, client, people):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == people["staff"]))
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)  # the id alone, as before sessions had generations
    assert client.get("/users/").status_code == 302


def test_the_session_lifetime_is_a_setting(app, app_with, people):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    short = app_with(SESSION_LIFETIME_HOURS="2")
    assert short.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=2)
    client = short.test_client()
    response = login(client, people["manager"])
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    left = expires - datetime.now(UTC)
    assert timedelta(hours=1, minutes=58) < left <= timedelta(hours=2)


def test_a_new_calendar_address_is_shown_in_the_answer_and_never_in_the_cookie(app, client,
                                                                               people):
    login(client, people["manager"])
    response = post(client, "/account/calendar")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    url = re.search(r'class="calendar-url">([^<]+)<', response.get_data(as_text=True)).group(1)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = serializer.loads(client.get_cookie("session").value)
    assert token not in str(cookie) and "calendar" not in str(cookie)
    assert "calendar-url" not in client.get("/account").get_data(as_text=True)
