"""Invitations over a real SMTP server: invite → e-mail → link → own password → logged in;
links single-use, expiring, revocable, re-sendable, kept only as hashes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from compliance.auth.models import User
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.members.models import Member
from compliance.users.invitations import invite
from compliance.users.models import Invitation
from tests.accounts.mailbox import link_path, text_of, to
from tests.conftest import login, post

PASSWORD = "a password of my own"


def member_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Member.id).where(Member.code == code))


def accept(client, path: str, name: str = "Ann Peeters", password: str = PASSWORD):
    return post(client, path, {"name": name, "new_password": password, "confirm": password})


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else ""


def decoded_session(app, client) -> dict:
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(session_cookie(client)) if session_cookie(client) else {}


def test_staff_invite_a_manager_who_accepts_and_is_logged_in(app, client, people,
                                                            smtp_server):
    login(client, people["staff"])
    response = post(client, "/users/new", {
        "email": "Ann@Ortho-Gent.example", "name": "Ann", "role": "member_manager",
        "member": str(member_id(app, "MEM-A")), "locale": "fr"})
    assert response.status_code == 302 and response.headers["Location"] == "/users/invitations"
    page = client.get("/users/invitations").get_data(as_text=True)
    assert "ann@ortho-gent.example" in page and "An invitation was sent" in page
    [message] = to(smtp_server, "ann@ortho-gent.example")
    path = link_path(message)
    token = path.rsplit("/", 1)[1]
    assert message["Content-Language"] == "fr"
    assert token not in str(decoded_session(app, client))  # no secret in the cookie
    with app.app_context():
        stored = db.session.scalar(select(Invitation))
        assert stored.token_hash != token and token not in stored.token_hash
    post(client, "/logout")

    form = client.get(path)
    assert form.status_code == 200 and "ann@ortho-gent.example" in form.get_data(as_text=True)
    done = accept(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Ann Peeters" in home and "MEM-A" in home  # logged in, as the workshop's manager
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ann@ortho-gent.example"))
        assert user.role == "member_manager" and user.locale == "fr"
        assert db.session.scalar(select(Invitation)).used_at is not None
    post(client, "/logout")
    assert login(client, "ann@ortho-gent.example", PASSWORD).status_code == 302

    post(client, "/logout")
    again = client.get(path)
    assert again.status_code == 410
    assert "This link was already used" in again.get_data(as_text=True)
    assert accept(client, path, password="another password!").status_code == 410


def test_an_expired_link_is_refused_with_a_clear_page(app, client, people):
    with app.app_context():
        invitation, token = invite(email="late@x.example", name="Late", role="staff",
                                   actor=None)
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.get(f"/users/invitation/{token}", headers={"Accept-Language": "nl"})
    assert response.status_code == 410
    assert "Deze link is verlopen" in response.get_data(as_text=True)
    assert accept(client, f"/users/invitation/{token}").status_code == 410
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "late@x.example")) is None


def test_the_expiry_is_a_setting(app, people, monkeypatch):
    monkeypatch.setitem(app.config, "INVITATION_HOURS", 5)
    with app.app_context():
        invitation, _ = invite(email="soon@x.example", name="S", role="staff", actor=None)
        left = invitation.expires_at - utcnow()
        assert timedelta(hours=4, minutes=59) < left <= timedelta(hours=5)
        db.session.rollback()


def test_a_withdrawn_invitation_no_longer_works(app, client, people, smtp_server):
    login(client, people["staff"])
    post(client, "/users/new", {"email": "gone@x.example", "name": "Gone", "role": "consultant",
                                "member": ""})
    path = link_path(to(smtp_server, "gone@x.example")[0])
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    revoked = post(client, f"/users/invitations/{invitation_id}/revoke", follow_redirects=True)
    assert "is withdrawn" in revoked.get_data(as_text=True)
    assert "gone@x.example" not in client.get("/users/invitations").get_data(as_text=True)
    post(client, "/logout")
    response = client.get(path)
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.get_data(as_text=True)


def test_re_sending_makes_a_new_link_and_the_old_one_stops_working(app, client, people,
                                                                    smtp_server):
    login(client, people["staff"])
    post(client, "/users/new", {"email": "again@x.example", "name": "Again", "role": "staff",
                                "member": ""})
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    post(client, f"/users/invitations/{invitation_id}/resend")
    first, second = (link_path(m) for m in to(smtp_server, "again@x.example"))
    assert first != second
    post(client, "/logout")
    assert client.get(first).status_code == 404
    assert accept(client, second).status_code == 302


def test_a_second_invitation_to_the_same_address_is_refused(app, client, people, smtp_server):
    login(client, people["staff"])
    form = {"email": "twice@x.example", "name": "Twice", "role": "staff", "member": ""}
    assert post(client, "/users/new", form).status_code == 302
    refused = post(client, "/users/new", form)
    assert refused.status_code == 400
    assert "already invited: re-send or withdraw" in refused.get_data(as_text=True)
    existing = post(client, "/users/new", {**form, "email": people["manager"]})
    assert "already exists" in existing.get_data(as_text=True)
    assert len(smtp_server.messages) == 1


def test_a_manager_invites_a_contributor_of_their_own_workshop(app, client, people,
                                                               smtp_server):
    login(client, people["manager"])
    page = client.get("/users/team")
    assert page.status_code == 200 and people["contributor"] in page.get_data(as_text=True)
    # a role field slipped into the form changes nothing: the team page invites contributors
    response = post(client, "/users/team", {"email": "piet@a.example", "name": "Piet",
                                            "locale": "nl", "role": "staff"})
    assert response.status_code == 302
    assert "piet@a.example" in client.get("/users/team").get_data(as_text=True)
    [message] = to(smtp_server, "piet@a.example")
    post(client, "/logout")
    assert accept(client, link_path(message), name="Piet").status_code == 302
    with app.app_context():
        piet = db.session.scalar(select(User).where(User.email == "piet@a.example"))
        assert piet.role == "member_contributor" and piet.member.code == "MEM-A"
    assert "Team" not in client.get("/").get_data(as_text=True).split("<main")[0]


def test_a_manager_cannot_invite_into_another_member_or_raise_a_role(app, people):
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == people["manager"]))
        a, b = (db.session.scalar(select(Member).where(Member.code == c))
                for c in ("MEM-A", "MEM-B"))
        for role, member in (("member_contributor", b), ("member_manager", a),
                             ("consultant", None), ("staff", None)):
            with pytest.raises(DomainError):
                invite(email="x@y.example", name="X", role=role, member=member, actor=manager)
        db.session.rollback()


def test_a_manager_cannot_open_staff_invitations_nor_another_members(app, client, people):
    with app.app_context():
        b = db.session.scalar(select(Member).where(Member.code == "MEM-B"))
        theirs, _ = invite(email="c@b.example", name="C", role="member_contributor", member=b,
                           actor=None)
        db.session.commit()
        theirs_id = theirs.id
    login(client, people["manager"])
    assert client.get("/users/new").status_code == 403
    assert post(client, "/users/new", {"email": "boss@a.example", "name": "B",
                                       "role": "member_manager", "member": "1"}).status_code == 403
    assert post(client, f"/users/invitations/{theirs_id}/revoke").status_code == 404
    assert "c@b.example" not in client.get("/users/team").get_data(as_text=True)


def test_a_manager_removes_a_contributor_whose_sessions_end(app, client, people):
    contributor = app.test_client()
    login(contributor, people["contributor"])
    assert contributor.get("/").status_code == 200
    with app.app_context():
        contributor_id = db.session.scalar(select(User.id).where(
            User.email == people["contributor"]))
        manager_id = db.session.scalar(select(User.id).where(User.email == people["manager"]))
    login(client, people["manager"])
    assert post(client, f"/users/team/{manager_id}/remove").status_code == 302  # refused
    with app.app_context():
        assert db.session.get(User, manager_id).active
    removed = post(client, f"/users/team/{contributor_id}/remove", follow_redirects=True)
    assert "can no longer log in" in removed.get_data(as_text=True)
    assert contributor.get("/").status_code == 302  # logged out at once
    assert login(contributor, people["contributor"]).status_code == 401
    with app.app_context():
        from compliance.audit import AuditEvent
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.object_id == contributor_id, AuditEvent.action == "user.deactivated"))


def test_the_inviter_hears_that_the_invitation_was_accepted(app, client, people, smtp_server):
    login(client, people["manager"])
    post(client, "/users/team", {"email": "new@a.example", "name": "New"})
    path = link_path(to(smtp_server, "new@a.example")[0])
    other = app.test_client()
    accept(other, path, name="Nieuwe Collega")
    [notice] = to(smtp_server, people["manager"])
    assert "Nieuwe Collega accepted your invitation" in notice["Subject"]
    assert "Nieuwe Collega (new@a.example) accepted" in text_of(notice)
    assert "Nieuwe Collega" in client.get("/notices/").get_data(as_text=True)
    assert len(smtp_server.messages) == 2  # the invitation, the notice: nothing more
