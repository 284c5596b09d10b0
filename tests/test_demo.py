"""compliance demo: loads everything once, then changes nothing."""

from sqlalchemy import func, select

from compliance.auth.models import User
from compliance.manual.models import ManualVersion, Requirement
from compliance.members.models import Member
from tests.conftest import login


def counts(app):
    with app.app_context():
        from compliance.extensions import db
        return tuple(db.session.scalar(select(func.count()).select_from(m))
                     for m in (ManualVersion, Requirement, Member, User))


def test_demo_is_idempotent_and_prints_the_accounts(app, runner, client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo accounts (password for all: demo password 123)" in first.output
    for email in ("manager.a@demo.example", "manager.b@demo.example", "consultant@demo.example",
                  "staff@demo.example"):
        assert email in first.output
    loaded = counts(app)
    # manual 2026.1 and 2026.2 beside each other
    assert loaded[0] == 2 and loaded[1] >= 80 and loaded[2] == 2 and loaded[3] >= 6
    second = runner.invoke(args=["demo"])
    assert "already loaded; nothing changed" in second.output
    assert counts(app) == loaded
    assert login(client, "staff@demo.example", "demo password 123").status_code == 302


def test_demo_members_have_different_profiles_and_a_shared_consultant(app, runner, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    runner.invoke(args=["demo"])
    with app.app_context():
        from compliance.extensions import db
        a, b = db.session.scalars(select(Member).order_by(Member.code)).all()
        assert (a.code, b.code) == ("DEMO-A", "DEMO-B")
        assert set(a.activities) != set(b.activities)
        consultant = db.session.scalar(
            select(User).where(User.email == "consultant@demo.example"))
        assert [m.code for m in consultant.assigned_members] == ["DEMO-A", "DEMO-B"]
        roles = {u.role for u in a.users}
        assert roles == {"member_manager", "member_contributor"}


def test_demo_if_empty_leaves_a_database_with_data_alone(app, runner, people):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "already holds data: demo not loaded" in result.output
    assert counts(app)[2] == 2  # the two members of `people`, no demo members


def test_demo_password_is_generated_once_when_not_given(app, runner, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = runner.invoke(args=["demo", "--if-empty"]).output
    again = runner.invoke(args=["demo", "--if-empty"]).output
    password = first.split("password for all: ")[1].split(")")[0]
    assert len(password) >= 10
    assert f"password for all: {password})" in again
