"""Staff list and create members and users; other roles cannot."""

import re

import pytest
from sqlalchemy import func, select

from compliance.auth.models import User
from compliance.members.models import Member
from tests.conftest import login, post

MEMBER = {"code": "ortho-gent", "name": "Orthopedie Gent", "enterprise_number": "BE 0123 456 749",
          "region": "flanders", "activities": ["orthoses", "insoles"]}


def count(app, model):
    with app.app_context():
        from compliance.extensions import db
        return db.session.scalar(select(func.count()).select_from(model))


def test_staff_create_a_member(app, client, people):
    login(client, people["staff"])
    response = post(client, "/members/new", MEMBER)
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "ORTHO-GENT" in html and "0123.456.749" in html and "Insoles" in html
    listing = client.get("/members/").get_data(as_text=True)
    assert "Orthopedie Gent" in listing


@pytest.mark.parametrize(("language", "message"), [
    ("en", "the check digits do not match"),
    ("fr", "les chiffres de contrôle ne correspondent pas"),
    ("nl", "de controlecijfers kloppen niet"),
])
def test_bad_enterprise_number_is_named_in_the_users_language(app, client, people, language,
                                                               message):
    login(client, people["staff"])
    before = count(app, Member)
    response = post(client, "/members/new", {**MEMBER, "enterprise_number": "0123.456.748"},
                    headers={"Accept-Language": language})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(app, Member) == before


def test_duplicate_member_code_is_refused(app, client, people):
    login(client, people["staff"])
    response = post(client, "/members/new", {**MEMBER, "code": "MEM-A"})
    assert response.status_code == 400
    assert "A member with the code MEM-A already exists." in response.get_data(as_text=True)


def test_staff_invite_a_consultant_assigned_to_a_member(app, client, people, smtp_server):
    login(client, people["staff"])
    with app.app_context():
        from compliance.extensions import db
        member_id = db.session.scalar(select(Member.id).where(Member.code == "MEM-B"))
    response = post(client, "/users/new", {"email": "New.Consultant@x.example", "name": "Nina",
                                           "role": "consultant", "member": "",
                                           "assigned": [str(member_id)], "locale": "nl"})
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "An invitation was sent to new.consultant@x.example" in flashed
    assert "password" not in flashed.split("<main")[1].lower()  # no password is ever shown
    [(to, message)] = smtp_server.messages
    assert to == ["new.consultant@x.example"] and message["Content-Language"] == "nl"
    link = re.search(r"http://\S+/users/invitation/\S+", message.get_body(("plain",))
                     .get_content()).group(0)
    post(client, "/logout")
    path = link.split("5000", 1)[1]
    accepted = post(client, path, {"name": "Nina", "new_password": "nina's own secret",
                                   "confirm": "nina's own secret"})
    assert accepted.status_code == 302
    with app.app_context():
        from compliance.extensions import db
        user = db.session.scalar(select(User).where(User.email == "new.consultant@x.example"))
        assert [m.code for m in user.assigned_members] == ["MEM-B"]
        assert user.locale == "nl"


def test_member_role_without_member_is_refused(app, client, people):
    login(client, people["staff"])
    before = count(app, User)
    response = post(client, "/users/new", {"email": "x@y.example", "name": "X",
                                           "role": "member_manager", "member": ""})
    assert response.status_code == 400
    assert "must belong to a member" in response.get_data(as_text=True)
    assert count(app, User) == before


def test_staff_cannot_create_an_admin(app, client, people):
    login(client, people["staff"])
    response = post(client, "/users/new", {"email": "boss@x.example", "name": "B",
                                           "role": "admin", "member": ""})
    assert response.status_code == 400  # not among the choices offered to staff
    assert count(app, User) == 6


@pytest.mark.parametrize("role", ["manager", "contributor", "consultant"])
@pytest.mark.parametrize("url", ["/members/", "/members/new", "/users/", "/users/new"])
def test_other_roles_cannot_open_staff_pages(client, people, role, url):
    login(client, people[role])
    assert client.get(url).status_code == 403


def test_other_roles_do_not_see_staff_links(client, people):
    login(client, people["manager"])
    html = client.get("/").get_data(as_text=True)
    assert 'href="/members/"' not in html and 'href="/users/"' not in html


def test_staff_assign_consultants_and_the_consultant_sees_only_those(app, client, people,
                                                                      assessments):
    with app.app_context():
        from compliance.extensions import db
        member_b = db.session.scalar(select(Member).where(Member.code == "MEM-B"))
        consultant = db.session.scalar(select(User).where(User.email == people["consultant"]))
        member_b_id, consultant_id = member_b.id, consultant.id
    login(client, people["staff"])
    response = post(client, f"/members/{member_b_id}", {"consultants": [str(consultant_id)]})
    assert response.status_code == 302
    assert "Consultant" in client.get(f"/members/{member_b_id}").get_data(as_text=True)
    post(client, "/logout")
    login(client, people["consultant"])
    assert client.get(f"/assessments/{assessments['b']}").status_code == 200
    post(client, "/logout")
    login(client, people["staff"])
    post(client, f"/members/{member_b_id}", {})  # unassign everyone
    post(client, "/logout")
    login(client, people["consultant"])
    assert client.get(f"/assessments/{assessments['b']}").status_code == 404


def test_staff_switch_an_account_off_and_on_again(app, client, people):
    with app.app_context():
        from compliance.extensions import db
        user_id = db.session.scalar(select(User.id).where(User.email == people["manager"]))
        staff_id = db.session.scalar(select(User.id).where(User.email == people["staff"]))
    login(client, people["staff"])
    off = post(client, f"/users/{user_id}/active", {"active": "0"}, follow_redirects=True)
    assert "can no longer log in" in off.get_data(as_text=True)
    own = post(client, f"/users/{staff_id}/active", {"active": "0"}, follow_redirects=True)
    assert "You cannot switch off your own account." in own.get_data(as_text=True)
    post(client, "/logout")
    assert login(client, people["manager"]).status_code == 401
    login(client, people["staff"])
    post(client, f"/users/{user_id}/active", {"active": "1"})
    post(client, "/logout")
    assert login(client, people["manager"]).status_code == 302
