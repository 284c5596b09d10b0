"""Answering, submitting and sending back, as members and reviewers do it."""

import html
import re
import threading

from sqlalchemy import select

from compliance.assessments.models import Answer, Assessment
from compliance.audit import AuditEvent
from compliance.extensions import db
from tests.conftest import csrf_token, login, post

REVISION = re.compile(r'name="revision" value="(\d+)"')


def answer_url(assessments, member, key):
    assessment = assessments["a" if member == "MEM-A" else "b"]
    return f"/assessments/{assessment}/answers/{assessments['answers'][(member, key)]}"


def revision_of(app, answer_id):
    with app.app_context():
        return db.session.get(Answer, answer_id).revision


def save(client, app, assessments, key, member="MEM-A", **fields):
    answer_id = assessments["answers"][(member, key)]
    data = {"status": "compliant", "justification": "", "comment": "",
            "revision": str(revision_of(app, answer_id)), **fields}
    return post(client, answer_url(assessments, member, key), data)


def test_saving_an_answer_returns_to_it_and_starts_the_assessment(app, client, people,
                                                                    assessments):
    login(client, people["contributor"])
    response = save(client, app, assessments, "ORG-01", comment="Letter signed 2026-03-01")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#ORG-01")
    with app.app_context():
        answer = db.session.get(Answer, assessments["answers"][("MEM-A", "ORG-01")])
        assert (answer.status, answer.comment) == ("compliant", "Letter signed 2026-03-01")
        assert db.session.get(Assessment, assessments["a"]).state == "in_progress"
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.assessment_id == assessments["a"]).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["assessment.state", "answer.saved"]
    page = client.get(f"/assessments/{assessments['a']}", headers={"Accept-Language": "en"})
    assert "1 of 3 applicable requirements answered." in page.get_data(as_text=True)


def test_not_applicable_needs_a_justification_and_keeps_what_was_typed(app, client, people,
                                                                       assessments):
    login(client, people["manager"])
    response = save(client, app, assessments, "ORG-02", status="not_applicable",
                    comment="my careful comment")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "a justification is required" in html
    assert "my careful comment" in html  # nothing typed is lost
    assert save(client, app, assessments, "ORG-02", status="not_applicable",
                justification="No staff").status_code == 302


def test_a_stale_form_does_not_overwrite_a_newer_answer(app, client, people, assessments):
    login(client, people["manager"])
    answer_id = assessments["answers"][("MEM-A", "ORG-01")]
    stale = str(revision_of(app, answer_id))
    save(client, app, assessments, "ORG-01", comment="first")
    response = post(client, answer_url(assessments, "MEM-A", "ORG-01"),
                    {"status": "not_compliant", "comment": "second", "revision": stale})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this answer" in html and "second" in html
    with app.app_context():
        assert db.session.get(Answer, answer_id).comment == "first"


def test_concurrent_saves_of_two_answers_both_land(app, db, people, assessments):
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        login(client, people["manager"])
    jobs = [(clients[0], "ORG-01", "compliant"), (clients[1], "MGT-01", "partial")]
    prepared = [(client, answer_url(assessments, "MEM-A", key),
                 {"status": status, "csrf_token": csrf_token(client), "comment": key,
                  "revision": str(revision_of(app, assessments["answers"][("MEM-A", key)]))})
                for client, key, status in jobs]
    barrier = threading.Barrier(len(prepared))
    results = []

    def run(client, url, data):
        barrier.wait()
        results.append(client.post(url, data=data).status_code)

    threads = [threading.Thread(target=run, args=job) for job in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302, 302]
    with app.app_context():
        saved = {a.requirement_key: (a.status, a.comment)
                 for a in db.session.get(Assessment, assessments["a"]).answers}
        assert saved["ORG-01"] == ("compliant", "ORG-01")
        assert saved["MGT-01"] == ("partial", "MGT-01")
        from compliance.audit import verify_chain
        assert verify_chain().ok


def test_submit_lists_what_is_missing_then_locks(app, client, people, assessments):
    login(client, people["manager"])
    save(client, app, assessments, "ORG-01")
    overview = client.get(f"/assessments/{assessments['a']}").get_data(as_text=True)
    assert "ORG-02" in overview and "MGT-01" in overview  # listed as missing
    refused = post(client, f"/assessments/{assessments['a']}/submit", follow_redirects=True)
    assert "2 applicable requirements are not answered yet." in refused.get_data(as_text=True)
    save(client, app, assessments, "ORG-02", status="not_applicable", justification="No staff")
    save(client, app, assessments, "MGT-01", status="partial")
    done = post(client, f"/assessments/{assessments['a']}/submit", follow_redirects=True)
    assert "Assessment submitted." in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assessment, assessments["a"]).state == "submitted"
    # A tab left open before the submission: the save says why it is locked (not a 403
    # about roles), changes nothing, and shows what was typed so it can be copied.
    locked = save(client, app, assessments, "ORG-01", status="not_compliant",
                  comment="Typed in an old tab")
    assert locked.status_code == 409
    text = html.unescape(locked.get_data(as_text=True))
    assert "This assessment was submitted by Manager on" in text
    assert "it is locked while the consultant reviews it, and nothing was changed" in text
    assert "Typed in an old tab" in text
    with app.app_context():
        assert db.session.get(Answer, assessments["answers"][("MEM-A", "ORG-01")]).status == \
            "compliant"
    page = client.get(f"/assessments/{assessments['a']}/answers").get_data(as_text=True)
    assert 'class="answer-form"' not in page


def test_contributors_answer_but_cannot_submit(app, client, people, assessments):
    login(client, people["contributor"])
    for key in ("ORG-01", "ORG-02", "MGT-01"):
        assert save(client, app, assessments, key).status_code == 302
    page = client.get(f"/assessments/{assessments['a']}").get_data(as_text=True)
    assert f"/assessments/{assessments['a']}/submit" not in page
    assert post(client, f"/assessments/{assessments['a']}/submit").status_code == 403


def _submit_a(app, client, people, assessments):
    login(client, people["manager"])
    for key in ("ORG-01", "ORG-02", "MGT-01"):
        save(client, app, assessments, key)
    post(client, f"/assessments/{assessments['a']}/submit")
    post(client, "/logout")


def test_consultant_sends_back_with_a_reason(app, client, people, assessments):
    _submit_a(app, client, people, assessments)
    login(client, people["consultant"])
    url = f"/assessments/{assessments['a']}/send-back"
    refused = post(client, url, {"reason": ""}, follow_redirects=True)
    assert "a reason is required" in refused.get_data(as_text=True)
    post(client, url, {"reason": "Attach the PRRC letter to ORG-01"})
    with app.app_context():
        assessment = db.session.get(Assessment, assessments["a"])
        assert assessment.state == "in_progress"
        assert assessment.return_reason == "Attach the PRRC letter to ORG-01"
    post(client, "/logout")
    login(client, people["manager"])
    page = client.get(f"/assessments/{assessments['a']}").get_data(as_text=True)
    assert "Attach the PRRC letter to ORG-01" in page
    assert save(client, app, assessments, "ORG-01", comment="letter attached").status_code == 302


def test_members_cannot_send_back(app, client, people, assessments):
    _submit_a(app, client, people, assessments)
    login(client, people["manager"])
    assert post(client, f"/assessments/{assessments['a']}/send-back",
                {"reason": "oops"}).status_code == 403


def test_filters_show_what_is_asked(app, client, people, assessments):
    login(client, people["manager"])
    save(client, app, assessments, "ORG-01", status="not_compliant")
    save(client, app, assessments, "MGT-01")
    base = f"/assessments/{assessments['a']}/answers"
    unanswered = client.get(base + "?show=unanswered").get_data(as_text=True)
    assert 'id="ORG-02"' in unanswered and 'id="ORG-01"' not in unanswered
    not_compliant = client.get(base + "?show=not_compliant").get_data(as_text=True)
    assert 'id="ORG-01"' in not_compliant and 'id="MGT-01"' not in not_compliant
    chapter = client.get(base + "?chapter=MGT").get_data(as_text=True)
    assert 'id="MGT-01"' in chapter and 'id="ORG-01"' not in chapter
    assert client.get(base + "?chapter=NOPE").status_code == 404


def test_history_shows_who_changed_what(app, client, people, assessments):
    login(client, people["manager"])
    save(client, app, assessments, "ORG-01", comment="before")
    save(client, app, assessments, "ORG-01", status="partial", comment="after")
    page = html.unescape(client.get(f"/assessments/{assessments['a']}/history",
                                    headers={"Accept-Language": "en"}).get_data(as_text=True))
    text = re.sub(r"<[^>]+>", "", page)
    assert "Manager changed the answer to ORG-01 from “Compliant” to “Partially compliant”." \
        in text
    assert "Manager answered ORG-01: “Compliant”." in text
    assert "Comment: “before”" in text and "Comment: “after”" in text
    assert "Manager started the assessment." in text
    for code in ("answer.saved", "partial", "in_progress", "True", "False", "to_confirm"):
        assert code not in text, code


def test_json_save_for_the_in_place_script(app, client, people, assessments):
    login(client, people["manager"])
    answer_id = assessments["answers"][("MEM-A", "ORG-01")]
    response = client.post(answer_url(assessments, "MEM-A", "ORG-01"),
                           headers={"Accept": "application/json"},
                           data={"status": "compliant", "csrf_token": csrf_token(client),
                                 "revision": str(revision_of(app, answer_id))})
    assert response.status_code == 200
    assert response.json["saved"] is True and response.json["percent"] == 33
    assert response.json["revision"] == revision_of(app, answer_id)
