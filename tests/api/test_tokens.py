"""Tokens: made by a manager on the page, shown once, kept as a hash, revoked by the
manager or staff; the list shows when each was last used."""

from __future__ import annotations

from sqlalchemy import select

from compliance.audit import AuditEvent
from compliance.extensions import db
from compliance.tokens.models import ApiToken
from compliance.tokens.services import token_hash
from tests.api.conftest import bearer, make_token
from tests.conftest import login, post


def test_a_manager_makes_a_token_seen_once_and_kept_as_a_hash(app, client, people):
    secret = make_token(client, people["manager"], name="OrthoSoft PC")
    assert secret.startswith("mdr_") and len(secret) > 40
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == token_hash(secret) and secret not in token.token_hash
        assert token.scopes == ["read", "evidence"] and token.name == "OrthoSoft PC"
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "api_token.created"))
        assert secret not in str(event.after)
    login(client, people["manager"])
    page = client.get("/tokens/").get_data(as_text=True)
    assert "OrthoSoft PC" in page and secret not in page and "never" in page


def test_the_list_shows_when_a_token_was_last_used(app, client, api, people):
    secret = make_token(client, people["manager"])
    assert api.get("/api/v1/member", headers=bearer(secret)).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None
    login(client, people["manager"])
    assert "never" not in client.get("/tokens/").get_data(as_text=True)


def test_bad_names_and_scopes_are_refused_with_the_form_kept(app, client, people):
    login(client, people["manager"])
    refused = post(client, "/tokens/", {"name": "", "scopes": ["read"]})
    assert refused.status_code == 400
    refused = post(client, "/tokens/", {"name": "X", "scopes": ["admin"]})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_only_managers_and_staff_see_the_page(app, client, people):
    for role in ("contributor", "consultant"):
        login(client, people[role])
        assert client.get("/tokens/").status_code == 403
        assert post(client, "/tokens/", {"name": "x", "scopes": ["read"]}).status_code == 403
        post(client, "/logout")


def test_revocation_stops_the_token_at_once(app, client, api, people):
    secret = make_token(client, people["manager"])
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    login(client, people["manager"])
    post(client, f"/tokens/{token_id}/revoke")
    answer = api.get("/api/v1/member", headers=bearer(secret))
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in client.get("/tokens/").get_data(as_text=True)


def test_another_members_manager_cannot_revoke_staff_can(app, client, api, people):
    secret = make_token(client, people["manager"], name="Podiatrix")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    login(client, people["manager_b"])
    assert post(client, f"/tokens/{token_id}/revoke").status_code == 404
    assert "Podiatrix" not in client.get("/tokens/").get_data(as_text=True)
    post(client, "/logout")
    assert api.get("/api/v1/member", headers=bearer(secret)).status_code == 200
    login(client, people["staff"])
    listing = client.get("/tokens/").get_data(as_text=True)
    assert "Podiatrix" in listing and "MEM-A" in listing
    post(client, f"/tokens/{token_id}/revoke")
    assert api.get("/api/v1/member", headers=bearer(secret)).status_code == 401
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "api_token.revoked"))
        assert event.actor.email == people["staff"]


def test_a_token_stops_when_its_maker_no_longer_manages_the_member(app, client, api, people):
    secret = make_token(client, people["manager"])
    with app.app_context():
        from compliance.auth.models import User

        maker = db.session.scalar(select(User).where(User.email == people["manager"]))
        maker.active = False
        db.session.commit()
    assert api.get("/api/v1/member", headers=bearer(secret)).status_code == 401


def test_a_secret_that_is_not_a_token_is_refused(app, api, people):
    for header in ("Bearer mdr_nothing", "Bearer ", "Basic abc", ""):
        answer = api.get("/api/v1/member", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert answer.json["type"].endswith("/unauthenticated")
