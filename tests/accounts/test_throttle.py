"""Throttling that an attacker cannot turn against everyone: failures per account and
per client, proxy headers only as configured, a lock staff can lift, the limit under
simultaneous attempts, the same argon2 work for every refusal."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from compliance.audit import AuditEvent
from compliance.auth import services as auth_services
from compliance.auth.models import LoginFailure, User
from compliance.extensions import db
from tests.conftest import csrf_token, login, post

WRONG = "wrong password!"


def from_address(app, address: str, **headers):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    for name, value in headers.items():
        client.environ_base[f"HTTP_{name.upper()}"] = value
    return client


def test_a_locked_out_person_is_told_when_to_retry_and_staff_lift_the_lock(app, client,
                                                                          people):
    for _ in range(auth_services.MAX_FAILURES_PER_EMAIL):
        assert login(client, people["manager"], WRONG).status_code == 401
    locked = login(client, people["manager"])
    assert locked.status_code == 429
    assert "Try again in 15 minutes." in locked.get_data(as_text=True)

    staff = app.test_client()
    login(staff, people["staff"])
    assert "locked" in staff.get("/users/").get_data(as_text=True)
    page = staff.get("/users/locks").get_data(as_text=True)
    assert people["manager"] in page and "Lift the lock" in page
    lifted = post(staff, "/users/locks/lift", {"kind": "account", "key": people["manager"]},
                  follow_redirects=True)
    assert "The lock on manager@a.example is lifted." in lifted.get_data(as_text=True)
    assert login(client, people["manager"]).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "login.unlocked"))
        assert event.after == {"kind": "account", "key": people["manager"], "failures": 5}
        assert event.actor.email == people["staff"]


def test_failures_of_one_client_do_not_lock_the_others(app, people):
    attacker = from_address(app, "198.51.100.7")
    for n in range(auth_services.MAX_FAILURES_PER_CLIENT):
        login(attacker, f"guess{n}@a.example", WRONG)
    assert login(attacker, people["staff"]).status_code == 429
    colleague = from_address(app, "203.0.113.20")
    assert login(colleague, people["staff"]).status_code == 302


def test_forwarded_for_headers_are_ignored_without_trusted_proxies(app, people):
    """A client cannot escape the per-client count by inventing X-Forwarded-For."""
    assert app.config["TRUSTED_PROXIES"] == 0
    for n in range(auth_services.MAX_FAILURES_PER_CLIENT):
        liar = from_address(app, "198.51.100.7", X_FORWARDED_FOR=f"10.0.0.{n}")
        login(liar, f"guess{n}@a.example", WRONG)
    liar = from_address(app, "198.51.100.7", X_FORWARDED_FOR="10.9.9.9")
    assert login(liar, people["staff"]).status_code == 429
    with app.app_context():
        assert set(db.session.scalars(select(LoginFailure.remote_addr))) == {"198.51.100.7"}


def test_behind_a_trusted_proxy_each_client_counts_for_itself(app_with, people):
    proxied = app_with(TRUSTED_PROXIES="1")
    for n in range(auth_services.MAX_FAILURES_PER_CLIENT):
        attacker = from_address(proxied, "127.0.0.1", X_FORWARDED_FOR="198.51.100.7")
        login(attacker, f"guess{n}@a.example", WRONG)
    attacker = from_address(proxied, "127.0.0.1", X_FORWARDED_FOR="198.51.100.7")
    assert login(attacker, people["staff"]).status_code == 429
    # everyone comes through the same proxy address; the others are not locked out
    colleague = from_address(proxied, "127.0.0.1", X_FORWARDED_FOR="203.0.113.20")
    assert login(colleague, people["staff"]).status_code == 302


def test_every_refusal_does_the_same_argon2_work(app, client, people, monkeypatch):
    calls = []
    real = auth_services.verify_password
    monkeypatch.setattr(auth_services, "verify_password",
                        lambda hashed, password: calls.append(hashed) or real(hashed, password))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == people["contributor"]))
        user.active = False
        db.session.commit()
    for email in (people["contributor"], "nobody@a.example", people["manager"]):
        calls.clear()
        assert login(client, email, WRONG).status_code == 401
        assert len(calls) == 1 and calls[0].startswith("$argon2"), email
    calls.clear()
    assert login(client, people["contributor"]).status_code == 401  # off, right password
    assert len(calls) == 1


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="simultaneous attempts are serialised by PostgreSQL's locks; "
                           "SQLite serialises every writer")
def test_forty_simultaneous_attempts_let_at_most_five_reach_a_password_check(app, people,
                                                                           monkeypatch):
    checked = []
    real = auth_services.verify_password

    def counted(hashed, password):
        checked.append(password)
        return real(hashed, password)

    monkeypatch.setattr(auth_services, "verify_password", counted)
    clients = []
    for n in range(40):
        client = from_address(app, f"198.51.100.{n + 1}")
        clients.append((client, csrf_token(client)))
    start = threading.Barrier(40)
    statuses = []

    def attempt(client, token):  # noqa: ANN001
        start.wait()
        response = client.post("/login", data={"csrf_token": token, "email": people["manager"],
                                               "password": WRONG})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(checked) <= auth_services.MAX_FAILURES_PER_EMAIL
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == len(checked)
