"""The consultant's pre-audit: verdicts, completion, actions, scores, reopening."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from compliance.actions.models import CorrectiveAction
from compliance.actions.services import complete_action, verify_action
from compliance.assessments.models import Assessment
from compliance.assessments.services import save_answer, submit_assessment
from compliance.auth.models import User
from compliance.extensions import db
from compliance.reviews.models import AssessmentScore
from tests.conftest import login, post


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def submitted(app, people, assessments):
    """MEM-A's assessment, answered (ORG-01 compliant, ORG-02 partial, MGT-01 compliant)
    and submitted by its manager."""
    with app.app_context():
        assessment = db.session.get(Assessment, assessments["a"])
        manager = _user(people["manager"])
        statuses = {"ORG-01": "compliant", "ORG-02": "partial", "MGT-01": "compliant"}
        for answer in assessment.answers:
            if answer.included:
                save_answer(answer, status=statuses[answer.requirement_key], justification=None,
                            comment=None, revision=answer.revision, actor=manager)
        submit_assessment(assessment, actor=manager)
        db.session.commit()
    return assessments


def verdict_url(ids, key):
    return f"/reviews/{ids['a']}/verdicts/{ids['answers'][('MEM-A', key)]}"


def loaded_revision(client, ids, key) -> str:
    """The revision of a verdict as its form on the review page carries it."""
    page = client.get(f"/reviews/{ids['a']}").get_data(as_text=True)
    answer_id = ids["answers"][("MEM-A", key)]
    found = re.search(rf"name=rev-{answer_id} value=(\d+)", page)
    return found.group(1) if found else "0"  # no verdict yet


def give_verdicts(client, ids, verdicts):
    for key, verdict in verdicts.items():
        response = post(client, verdict_url(ids, key),
                        {"verdict": verdict, "comment": f"finding on {key}",
                         "revision": loaded_revision(client, ids, key)})
        assert response.status_code == 302, response.get_data(as_text=True)


def test_first_verdict_starts_the_pre_audit(app, client, people, submitted):
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "conform"})
    with app.app_context():
        assessment = db.session.get(Assessment, submitted["a"])
        assert assessment.state == "in_pre_audit"
        assert assessment.pre_audit.consultant.email == people["consultant"]


def test_not_applicable_needs_a_reason(app, client, people, submitted):
    login(client, people["consultant"])
    response = post(client, verdict_url(submitted, "ORG-02"),
                    {"verdict": "not_applicable", "comment": "kept text"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "a reason is required" in html and "kept text" in html
    answer_id = submitted["answers"][("MEM-A", "ORG-02")]
    assert f"name=v-{answer_id} value=na checked" in html  # the choice is kept too


def test_completion_needs_every_verdict(app, client, people, submitted):
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "conform"})
    response = post(client, f"/reviews/{submitted['a']}/complete",
                    {"signed_by_name": "Eva", "signed_on": date.today().isoformat()},
                    follow_redirects=True)
    assert "2 requirements have no verdict yet." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assessment, submitted["a"]).state == "in_pre_audit"


def complete(client, ids, signed_on=None):
    return post(client, f"/reviews/{ids['a']}/complete",
                {"signed_by_name": "Eva Janssens",
                 "signed_on": (signed_on or date.today()).isoformat()})


def test_completion_locks_opens_actions_and_scores(app, client, people, submitted):
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "conform", "ORG-02": "minor_nc",
                                      "MGT-01": "major_nc"})
    signed = date.today() - timedelta(days=3)
    assert complete(client, submitted, signed).status_code == 302
    with app.app_context():
        assessment = db.session.get(Assessment, submitted["a"])
        assert assessment.state == "pre_audited"
        assert assessment.pre_audit.signed_by_name == "Eva Janssens"
        actions = {a.requirement_key: a for a in db.session.scalars(select(CorrectiveAction))}
        assert set(actions) == {"ORG-02", "MGT-01"}
        assert actions["MGT-01"].due_date == signed + timedelta(days=30)
        assert actions["ORG-02"].due_date == signed + timedelta(days=90)
        assert actions["ORG-02"].owner.email == people["manager"]
        assert actions["ORG-02"].description == "finding on ORG-02"
        overall = db.session.scalar(select(AssessmentScore).where(
            AssessmentScore.assessment_id == assessment.id,
            AssessmentScore.chapter_id.is_(None)))
        # ORG-01 major conform 3×1, ORG-02 minor NC 1×0.5, MGT-01 major NC 3×0 → 3.5/7
        assert overall.consultant_score == pytest.approx(50)
        assert overall.self_score == pytest.approx(100 * 6.5 / 7)
        assert (overall.readiness, overall.open_major) == ("not_ready", 1)
    # locked: no more verdicts
    assert post(client, verdict_url(submitted, "ORG-01"),
                {"verdict": "major_nc"}).status_code == 403


def test_the_member_sees_verdicts_only_once_completed(app, client, people, submitted):
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "conform", "ORG-02": "minor_nc",
                                      "MGT-01": "conform"})
    post(client, "/logout")
    login(client, people["manager"])
    before = client.get(f"/assessments/{submitted['a']}/answers").get_data(as_text=True)
    assert "finding on ORG-02" not in before
    assert client.get(f"/reviews/{submitted['a']}").status_code == 403
    post(client, "/logout")
    login(client, people["consultant"])
    complete(client, submitted)
    post(client, "/logout")
    login(client, people["manager"])
    after = client.get(f"/assessments/{submitted['a']}/answers").get_data(as_text=True)
    assert "finding on ORG-02" in after and "Minor non-conformity" in after
    overview = client.get(f"/assessments/{submitted['a']}").get_data(as_text=True)
    assert "Nearly ready" in overview or "Ready" in overview


def test_staff_reopen_with_a_reason(app, client, people, submitted):
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "conform", "ORG-02": "conform",
                                      "MGT-01": "conform"})
    complete(client, submitted)
    assert post(client, f"/reviews/{submitted['a']}/reopen",
                {"reason": "new facts"}).status_code == 403  # not staff
    post(client, "/logout")
    login(client, people["staff"])
    refused = post(client, f"/reviews/{submitted['a']}/reopen", {"reason": ""},
                   follow_redirects=True)
    assert "a reason is required" in refused.get_data(as_text=True)
    post(client, f"/reviews/{submitted['a']}/reopen", {"reason": "new facts"})
    with app.app_context():
        assert db.session.get(Assessment, submitted["a"]).state == "in_pre_audit"
    history = client.get(f"/assessments/{submitted['a']}/history").get_data(as_text=True)
    assert "new facts" in history and "gave the verdict on" in history
    assert "verdict.saved" not in history  # told as sentences, never as codes


def test_verifying_the_major_action_makes_the_member_ready(app, client, people, submitted):
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "conform", "ORG-02": "conform",
                                      "MGT-01": "major_nc"})
    complete(client, submitted)
    with app.app_context():
        action = db.session.scalar(select(CorrectiveAction))
        complete_action(action, closure_note="Review held", evidence=[],
                        actor=_user(people["manager"]))
        verify_action(action, actor=_user(people["consultant"]))
        db.session.commit()
        overall = db.session.scalar(select(AssessmentScore).where(
            AssessmentScore.chapter_id.is_(None)))
        # the verdict stays major (score 4/7 = 57) but nothing major is open any more
        assert overall.open_major == 0 and overall.readiness == "not_ready"
        assert overall.consultant_score == pytest.approx(400 / 7)


def test_a_consultant_of_another_member_cannot_review(app, client, people, submitted):
    with app.app_context():
        from tests import factories
        factories.user("other@consult.example", "consultant")
        db.session.commit()
    login(client, "other@consult.example")
    assert client.get(f"/reviews/{submitted['a']}").status_code == 404
    assert post(client, verdict_url(submitted, "ORG-01"),
                {"verdict": "conform"}).status_code == 404


def test_a_reopened_pre_audit_brings_its_actions_in_line(app, client, people, submitted):
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "major_nc", "ORG-02": "minor_nc",
                                      "MGT-01": "conform"})
    complete(client, submitted)
    post(client, "/logout")
    login(client, people["staff"])
    post(client, f"/reviews/{submitted['a']}/reopen", {"reason": "new evidence"})
    with app.app_context():
        assert db.session.get(Assessment, submitted["a"]).pre_audit.signed_on is None
    post(client, "/logout")
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "conform", "ORG-02": "major_nc"})
    signed = date.today()
    complete(client, submitted, signed)
    with app.app_context():
        actions = {a.requirement_key: a for a in db.session.scalars(select(CorrectiveAction))}
        assert actions["ORG-01"].status == "withdrawn"  # the finding no longer stands
        assert actions["ORG-02"].severity == "major_nc"
        assert actions["ORG-02"].due_date == signed + timedelta(days=30)
        overall = db.session.scalar(select(AssessmentScore).where(
            AssessmentScore.chapter_id.is_(None)))
        assert overall.open_major == 1


def test_members_do_not_see_verdicts_in_the_history_before_completion(app, client, people,
                                                                        submitted):
    login(client, people["consultant"])
    give_verdicts(client, submitted, {"ORG-01": "major_nc"})
    post(client, "/logout")
    login(client, people["manager"])
    history = client.get(f"/assessments/{submitted['a']}/history").get_data(as_text=True)
    assert "finding on ORG-01" not in history and "verdict on" not in history
