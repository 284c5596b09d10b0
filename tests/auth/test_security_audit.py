"""Security events in the audit trail: logins, failed logins and the lockouts they start,
kept for years with the rest of the chain — and nothing typed that was not an account."""

from __future__ import annotations

import json

from sqlalchemy import select

from compliance.audit import AuditEvent, verify_chain
from compliance.auth.models import User
from compliance.auth.services import MAX_FAILURES_PER_CLIENT, MAX_FAILURES_PER_EMAIL
from compliance.extensions import db
from tests.conftest import login


def events(app, prefix: str = "login") -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return found


def user_of(app, email: str) -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_logins_and_failed_logins_are_in_the_audit_trail(app, client, people):
    manager = user_of(app, people["manager"])
    assert login(client, people["manager"], "wrong password").status_code == 401
    assert login(client, "typo-or-password@x.example", "whatever").status_code == 401
    assert login(client, people["manager"]).status_code == 302
    failed_known, failed_unknown, logged_in = events(app)
    assert (failed_known.action, failed_known.object_type, failed_known.object_id,
            failed_known.member_id, failed_known.actor_id, failed_known.after) == (
        "login.failed", "user_account", manager.id, manager.member_id, None,
        {"reason": "wrong password"})
    assert (failed_unknown.action, failed_unknown.object_type, failed_unknown.object_id,
            failed_unknown.member_id, failed_unknown.after) == (
        "login.failed", "login", None, None, {"reason": "unknown account"})
    assert (logged_in.action, logged_in.actor_id, logged_in.object_id,
            logged_in.member_id) == ("login", manager.id, manager.id, manager.member_id)
    with app.app_context():
        stored = json.dumps([[e.before, e.after, e.object_type] for e in
                             db.session.scalars(select(AuditEvent))])
        assert "typo-or-password" not in stored and "127.0.0.1" not in stored
        assert verify_chain().ok


def test_a_switched_off_account_is_named_as_such(app, client, people):
    with app.app_context():
        db.session.scalar(select(User).where(User.email == people["staff"])).active = False
        db.session.commit()
    assert login(client, people["staff"]).status_code == 401
    (failed,) = events(app)
    assert failed.after == {"reason": "switched off"}


def test_a_lockout_is_recorded_once_when_it_starts(app, client, people):
    for _ in range(MAX_FAILURES_PER_EMAIL + 3):  # the last three are refused unchecked
        login(client, people["staff"], "wrong password")
    recorded = events(app)
    assert [e.action for e in recorded] == (
        ["login.failed"] * (MAX_FAILURES_PER_EMAIL - 1)
        + ["login.failed", "login.locked_out"])
    assert recorded[-1].after == {"lock": "account", "minutes": 15}
    assert recorded[-1].object_id == user_of(app, people["staff"]).id


def test_a_client_lockout_is_recorded_once(app, client, people):
    for n in range(MAX_FAILURES_PER_CLIENT + 2):  # many addresses, one client
        login(client, f"nobody{n}@x.example", "wrong password")
    recorded = events(app)
    assert [e.action for e in recorded].count("login.locked_out") == 1
    assert [e for e in recorded if e.action == "login.locked_out"][0].after == {
        "lock": "client", "minutes": 15}
    assert len(recorded) == MAX_FAILURES_PER_CLIENT + 1


def test_the_operator_lists_security_events(app, client, people, runner):
    login(client, people["manager"], "wrong password")
    login(client, people["manager"])
    result = runner.invoke(args=["audit", "list", "--action", "login"])
    assert result.exit_code == 0, result.output
    newest, oldest = result.output.strip().splitlines()
    assert newest.split("\t")[2:6] == ["login", people["manager"], "user_account "
                                       f"{user_of(app, people['manager']).id}", "MEM-A"]
    assert oldest.split("\t")[2:4] == ["login.failed", "—"]
    assert oldest.endswith('after: {"reason": "wrong password"}')
    assert runner.invoke(args=["audit", "list", "--action", "login_"]).output == ""
    assert len(runner.invoke(args=["audit", "list", "--limit", "1"]).output.splitlines()) == 1
    assert runner.invoke(args=["audit", "list", "--since", "2999-01-01"]).output == ""
    bad = runner.invoke(args=["audit", "list", "--since", "yesterday"])
    assert bad.exit_code == 2 and "yesterday" in bad.output
