"""Login, logout, throttling, password and language: as a person uses them."""

from sqlalchemy import select

from compliance.auth.models import LoginFailure, User
from compliance.auth.services import MAX_FAILURES_PER_EMAIL
from tests.conftest import csrf_token, login, post


def test_login_form_fields_are_email_and_password(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html and 'name="csrf_token"' in html


def test_login_and_logout(client, people):
    response = login(client, people["manager"])
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Welcome, Manager" in home and "MEM-A" in home
    assert post(client, "/logout").status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_login_is_case_insensitive_on_the_address(client, people):
    assert login(client, people["staff"].upper()).status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(client, people):
    response = login(client, people["manager"], "wrong password!")
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    unknown = login(client, "nobody@nowhere.example", "wrong password!")
    assert unknown.status_code == 401
    assert "Wrong e-mail address or password." in unknown.get_data(as_text=True)


def test_error_message_in_the_users_language(client, people):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl-BE,nl;q=0.9"
    html = login(client, people["manager"], "wrong password!").get_data(as_text=True)
    assert "Verkeerd e-mailadres of wachtwoord." in html


def test_repeated_failures_are_throttled_even_with_the_right_password(app, client, people):
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert login(client, people["manager"], "wrong password!").status_code == 401
    blocked = login(client, people["manager"])
    assert blocked.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in blocked.get_data(as_text=True)
    assert login(client, people["staff"]).status_code == 302  # another account is not locked


def test_success_clears_earlier_failures(app, client, people):
    login(client, people["manager"], "wrong password!")
    assert login(client, people["manager"]).status_code == 302
    with app.app_context():
        from compliance.extensions import db
        assert db.session.scalars(select(LoginFailure)).all() == []


def test_post_without_csrf_token_is_refused(client, people):
    """A login page left open until its session ended: refused, and the login page
    comes back fresh saying why (not a bare error page)."""
    response = client.post("/login", data={"email": people["manager"],
                                           "password": "correct horse battery"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    again = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The page had expired, so nothing was sent" in again
    assert 'name="password"' in again
    assert client.get("/").status_code == 302  # not logged in


def test_a_post_only_form_without_csrf_token_gets_the_error_page(client, people):
    login(client, people["manager"])
    response = client.post("/notices/read", data={})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client, people):
    response = login(client, people["manager"])
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_open_redirect_is_ignored(client, people):
    token = csrf_token(client)
    response = client.post("/login", data={"email": people["manager"], "csrf_token": token,
                                           "password": "correct horse battery",
                                           "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_next_page_after_login(client, people):
    page = client.get("/manual/")
    assert page.status_code == 302
    login_page = client.get(page.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/manual/"' in login_page
    token = csrf_token(client)
    response = client.post("/login", data={"email": people["manager"], "csrf_token": token,
                                           "password": "correct horse battery",
                                           "next": "/manual/"})
    assert response.headers["Location"] == "/manual/"


def test_change_password(app, client, people):
    login(client, people["manager"])
    wrong = post(client, "/account/password", {"current_password": "nope nope nope",
                                               "new_password": "a new long password",
                                               "confirm": "a new long password"})
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.get_data(
        as_text=True)
    short = post(client, "/account/password", {"current_password": "correct horse battery",
                                               "new_password": "short", "confirm": "short"})
    assert short.status_code == 400
    ok = post(client, "/account/password", {"current_password": "correct horse battery",
                                            "new_password": "a new long password",
                                            "confirm": "a new long password"})
    assert ok.status_code == 302
    post(client, "/logout")
    assert login(client, people["manager"]).status_code == 401
    assert login(client, people["manager"], "a new long password").status_code == 302


def test_language_setting_is_kept_on_the_account(app, client, people):
    login(client, people["manager"])
    post(client, "/language", {"locale": "fr", "next": "/account"})
    html = client.get("/account", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="fr">' in html and "Changer le mot de passe" in html
    with app.app_context():
        from compliance.extensions import db
        user = db.session.scalar(select(User).where(User.email == people["manager"]))
        assert user.locale == "fr"


def test_language_from_the_browser_then_from_the_choice_before_login(client):
    assert '<html lang="nl">' in client.get("/login", headers={
        "Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in client.get("/login", headers={
        "Accept-Language": "de"}).get_data(as_text=True)
    post(client, "/language", {"locale": "fr", "next": "/login"})
    assert '<html lang="fr">' in client.get("/login", headers={
        "Accept-Language": "nl"}).get_data(as_text=True)


def test_unknown_language_is_refused(client):
    response = post(client, "/language", {"locale": "de", "next": "/login"},
                    follow_redirects=True)
    assert "Unknown language." in response.get_data(as_text=True)


def test_inactive_account_cannot_log_in(app, client, people):
    with app.app_context():
        from compliance.extensions import db
        user = db.session.scalar(select(User).where(User.email == people["manager"]))
        user.active = False
        db.session.commit()
    assert login(client, people["manager"]).status_code == 401


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
