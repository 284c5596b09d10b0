"""Editing members, users and one's own profile: each save carries the revision the form
was loaded at; a save from an older copy is a 409 that keeps the input and names who
saved first (two real sessions). A member's new activities reach its open assessment."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from compliance.assessments.models import Answer, Assessment
from compliance.assessments.services import save_answer
from compliance.audit import AuditEvent
from compliance.auth.models import User
from compliance.errors import Conflict
from compliance.extensions import db
from compliance.members.models import Member
from compliance.members.services import update_member
from tests.conftest import login, post

REVISION = re.compile(r'name="revision" type="hidden" value="(\d+)"')


def revision_on(page: str) -> str:
    return REVISION.search(page).group(1)


def ids(app, people) -> dict[str, int]:
    with app.app_context():
        return {"member": db.session.scalar(select(Member.id).where(Member.code == "MEM-A")),
                "contributor": db.session.scalar(select(User.id).where(
                    User.email == people["contributor"]))}


def member_form(revision: str, **changes) -> dict:
    return {"name": "Workshop MEM-A", "enterprise_number": "", "region": "flanders",
            "activities": ["orthoses", "employees"], "revision": revision, **changes}


def test_two_staff_edit_a_member_and_the_second_gets_a_409_with_their_input(app, people):
    number = {}
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.code == "MEM-A"))
        number["a"], member_id = member.enterprise_number, member.id
    first, second = app.test_client(), app.test_client()
    login(first, people["staff"])
    login(second, people["admin"])
    url = f"/members/{member_id}/edit"
    first_revision = revision_on(first.get(url).get_data(as_text=True))
    second_revision = revision_on(second.get(url).get_data(as_text=True))
    saved = post(first, url, member_form(first_revision, name="Orthopedie Gent",
                                         enterprise_number=number["a"]))
    assert saved.status_code == 302
    late = post(second, url, member_form(second_revision, name="Orthopédie de Gand",
                                         enterprise_number=number["a"]),
                headers={"Accept-Language": "en"})
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert "Staff saved this member meanwhile" in page
    assert 'value="Orthopédie de Gand"' in page  # what they typed is kept
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert member.name == "Orthopedie Gent" and member.revision == 2
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "member.updated")).after["name"] == "Orthopedie Gent"


def test_a_save_between_check_and_write_is_a_conflict_too(app, people):
    @contextmanager
    def session_of():
        with app.app_context():
            yield db.session
            db.session.rollback()

    with session_of() as first:
        staff = first.scalar(select(User).where(User.email == people["staff"]))
        mine = first.scalar(select(Member).where(Member.code == "MEM-A"))
        with session_of() as second:
            theirs = second.scalar(select(Member).where(Member.code == "MEM-A"))
            admin = second.scalar(select(User).where(User.email == people["admin"]))
            update_member(theirs, name="Theirs", enterprise_number=theirs.enterprise_number,
                          region="flanders", activities=["orthoses"], revision=1, actor=admin)
            second.commit()
        with pytest.raises(Conflict):
            update_member(mine, name="Mine", enterprise_number=mine.enterprise_number,
                          region="flanders", activities=["orthoses"], revision=1, actor=staff)
    with app.app_context():
        assert db.session.scalar(select(Member.name).where(Member.code == "MEM-A")) == "Theirs"


def test_a_bad_enterprise_number_is_named_and_changes_nothing(app, client, people):
    member_id = ids(app, people)["member"]
    login(client, people["staff"])
    url = f"/members/{member_id}/edit"
    revision = revision_on(client.get(url).get_data(as_text=True))
    response = post(client, url, member_form(revision, name="X", enterprise_number="0123456748"),
                    headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert "les chiffres de contrôle ne correspondent pas" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Member, member_id).name == "Workshop MEM-A"


def answers_of(app, assessment_id: int) -> dict[str, Answer]:
    with app.app_context():
        return {a.requirement_key: a for a in db.session.scalars(
            select(Answer).where(Answer.assessment_id == assessment_id))}


def test_new_activities_change_what_applies_in_the_open_assessment(app, client, people,
                                                                   assessments):
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == people["manager"]))
        answer = db.session.get(Answer, assessments["answers"][("MEM-A", "ORG-02")])
        save_answer(answer, status="partial", justification=None, comment="two employees",
                    revision=answer.revision, actor=manager)
        db.session.commit()
        member = db.session.scalar(select(Member).where(Member.code == "MEM-A"))
        member_id, number = member.id, member.enterprise_number
    login(client, people["staff"])
    url = f"/members/{member_id}/edit"
    revision = revision_on(client.get(url).get_data(as_text=True))
    saved = post(client, url, member_form(revision, enterprise_number=number,
                                          activities=["orthoses", "prostheses"]))
    assert saved.status_code == 302
    answers = answers_of(app, assessments["a"])
    gone, new = answers["ORG-02"], answers["MGT-02"]
    assert not gone.included and not gone.applicable_by_profile
    assert gone.status == "partial" and gone.comment == "two employees"  # kept
    assert new.included and new.status is None  # appears, unanswered
    post(client, "/logout")
    login(client, people["manager"])
    page = client.get(f"/assessments/{assessments['a']}/answers",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "requirement does not apply to your profile" in page  # ORG-02, listed apart
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "assessment.profile_followed"))
        assert event.after["now_apply"] == ["MGT-02"]
        assert event.after["no_longer_apply"] == ["ORG-02"]
    post(client, "/logout")
    login(client, people["staff"])  # and back: the kept answer returns as it was
    revision = revision_on(client.get(url).get_data(as_text=True))
    post(client, url, member_form(revision, enterprise_number=number))
    assert answers_of(app, assessments["a"])["ORG-02"].included
    assert answers_of(app, assessments["a"])["ORG-02"].status == "partial"


def test_a_submitted_assessment_keeps_its_scope(app, client, people, assessments):
    with app.app_context():
        db.session.get(Assessment, assessments["a"]).state = "submitted"
        db.session.commit()
        member = db.session.scalar(select(Member).where(Member.code == "MEM-A"))
        member_id, number = member.id, member.enterprise_number
    login(client, people["staff"])
    url = f"/members/{member_id}/edit"
    revision = revision_on(client.get(url).get_data(as_text=True))
    post(client, url, member_form(revision, enterprise_number=number, activities=["orthoses"]))
    assert answers_of(app, assessments["a"])["ORG-02"].included


def test_staff_edit_a_user_and_a_stale_copy_is_refused(app, people):
    user_id = ids(app, people)["contributor"]
    first, second = app.test_client(), app.test_client()
    login(first, people["staff"])
    login(second, people["admin"])
    url = f"/users/{user_id}/edit"
    r1 = revision_on(first.get(url).get_data(as_text=True))
    r2 = revision_on(second.get(url).get_data(as_text=True))
    with app.app_context():
        member_id = db.session.scalar(select(Member.id).where(Member.code == "MEM-A"))
    form = {"role": "member_manager", "member": str(member_id), "locale": "nl", "active": "y"}
    assert post(first, url, {**form, "name": "Promoted", "revision": r1}).status_code == 302
    late = post(second, url, {**form, "name": "Renamed", "revision": r2})
    assert late.status_code == 409
    assert "Staff saved this account meanwhile" in late.get_data(as_text=True)
    assert 'value="Renamed"' in late.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.name, user.role, user.locale) == ("Promoted", "member_manager", "nl")


def test_staff_cannot_make_an_admin_nor_switch_themselves_off(app, client, people):
    with app.app_context():
        staff_id = db.session.scalar(select(User.id).where(User.email == people["staff"]))
    user_id = ids(app, people)["contributor"]
    login(client, people["staff"])
    revision = revision_on(client.get(f"/users/{user_id}/edit").get_data(as_text=True))
    made_admin = post(client, f"/users/{user_id}/edit", {"name": "X", "role": "admin",
                                                         "member": "", "revision": revision})
    assert made_admin.status_code == 400
    own = revision_on(client.get(f"/users/{staff_id}/edit").get_data(as_text=True))
    off = post(client, f"/users/{staff_id}/edit", {"name": "Me", "role": "staff", "member": "",
                                                   "revision": own})
    assert off.status_code == 400 and "You cannot switch off your own account" in \
        off.get_data(as_text=True)


def test_everyone_edits_their_own_name_and_language(app, people):
    here, there = app.test_client(), app.test_client()
    login(here, people["consultant"])
    login(there, people["consultant"])
    r_here = revision_on(here.get("/account").get_data(as_text=True))
    r_there = revision_on(there.get("/account").get_data(as_text=True))
    saved = post(here, "/account/profile", {"name": "Eva Janssens", "locale": "nl",
                                            "revision": r_here}, follow_redirects=True)
    assert "Eva Janssens" in saved.get_data(as_text=True) and '<html lang="nl">' in \
        saved.get_data(as_text=True)
    late = post(there, "/account/profile", {"name": "Eva J.", "locale": "fr",
                                            "revision": r_there})
    assert late.status_code == 409
    assert "Eva Janssens heeft deze account intussen bewaard" in late.get_data(as_text=True)
    assert 'value="Eva J."' in late.get_data(as_text=True)
