"""Corrective actions: the member works on them, the consultant verifies."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from compliance.actions.models import CorrectiveAction
from compliance.extensions import db
from tests.conftest import login, post
from tests.reviews.test_pre_audit import complete, give_verdicts, submitted  # noqa: F401


@pytest.fixture
def action_id(app, client, people, submitted):  # noqa: F811
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "conform", "ORG-02": "conform",
                                      "MGT-01": "major_nc"})
    complete(client, submitted, date.today() - timedelta(days=45))  # due 15 days ago
    post(client, "/logout")
    with app.app_context():
        return db.session.scalar(select(CorrectiveAction.id))


def loaded_revision(client, action_id) -> str:
    """The revision the action's edit form carries, as a browser would send it back."""
    page = client.get(f"/actions/{action_id}").get_data(as_text=True)
    return re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)


def status(app, action_id):
    with app.app_context():
        return db.session.get(CorrectiveAction, action_id).status


def test_overdue_actions_are_flagged_everywhere(app, client, people, action_id):
    login(client, people["manager"])
    for url in ("/", "/actions/", f"/actions/{action_id}", "/actions/?overdue=1"):
        assert "overdue" in client.get(url).get_data(as_text=True), url
    post(client, "/logout")
    login(client, people["staff"])
    sector = client.get("/dashboard/sector").get_data(as_text=True)
    assert "Overdue corrective actions (1)" in sector


def test_the_member_starts_and_closes_the_consultant_verifies(app, client, people, action_id):
    login(client, people["contributor"])
    assert post(client, f"/actions/{action_id}/start").status_code == 403  # not theirs yet
    with app.app_context():
        from compliance.auth.models import User
        action = db.session.get(CorrectiveAction, action_id)
        action.owner_id = db.session.scalar(select(User.id).where(
            User.email == people["contributor"]))
        db.session.commit()
    post(client, f"/actions/{action_id}/start")
    assert status(app, action_id) == "in_progress"
    refused = post(client, f"/actions/{action_id}/done", {"closure_note": ""},
                   follow_redirects=True)
    assert "a closure note is required" in refused.get_data(as_text=True)
    post(client, f"/actions/{action_id}/done", {"closure_note": "Review minutes filed"})
    assert status(app, action_id) == "done"
    assert post(client, f"/actions/{action_id}/verify").status_code == 403  # not theirs
    post(client, "/logout")
    login(client, people["consultant"])
    post(client, f"/actions/{action_id}/verify")
    assert status(app, action_id) == "verified"
    page = client.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "Review minutes filed" in page and "Verified" in page


def test_the_consultant_can_reopen_with_a_reason(app, client, people, action_id):
    login(client, people["manager"])
    post(client, f"/actions/{action_id}/done", {"closure_note": "done quickly"})
    post(client, "/logout")
    login(client, people["consultant"])
    refused = post(client, f"/actions/{action_id}/reopen", {"reason": ""}, follow_redirects=True)
    assert "a reason is required" in refused.get_data(as_text=True)
    post(client, f"/actions/{action_id}/reopen", {"reason": "No minutes attached"})
    assert status(app, action_id) == "open"
    assert "No minutes attached" in client.get(f"/actions/{action_id}").get_data(as_text=True)


def test_owner_and_due_date_can_be_changed_to_a_user_of_the_member(app, client, people,
                                                                     action_id):
    from compliance.auth.models import User

    with app.app_context():
        contributor = db.session.scalar(select(User).where(
            User.email == people["contributor"]))
        contributor_id = contributor.id
    login(client, people["manager"])
    new_due = (date.today() + timedelta(days=10)).isoformat()
    response = post(client, f"/actions/{action_id}",
                    {"description": "Hold the yearly review", "owner": str(contributor_id),
                     "due_date": new_due, "revision": loaded_revision(client, action_id)})
    assert response.status_code == 302
    with app.app_context():
        action = db.session.get(CorrectiveAction, action_id)
        assert (action.owner_id, action.due_date.isoformat()) == (contributor_id, new_due)
        assert action.description == "Hold the yearly review"


def test_another_member_cannot_see_the_action(app, client, people, action_id):
    login(client, people["manager_b"])
    assert client.get(f"/actions/{action_id}").status_code == 404
    assert post(client, f"/actions/{action_id}/start").status_code == 404
    assert "No corrective actions." in client.get("/actions/").get_data(as_text=True)


def test_the_member_dashboard_shows_readiness_and_what_is_due(app, client, people,
                                                              action_id):
    login(client, people["manager"])
    html = client.get("/").get_data(as_text=True)
    assert "Not ready" in html  # a major non-conformity is open
    assert "Corrective action due" in html and "MGT-01" in html
