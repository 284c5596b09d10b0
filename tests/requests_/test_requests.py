"""Requests to the member: the consultant asks on one requirement, the member sees it on
the start page and answers with text and files, the consultant is told, reads it and
closes it; a request blocks the sign-off only when the consultant said so."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from compliance.audit import AuditEvent
from compliance.auth.models import User
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.notifications.models import SentNotification
from compliance.requests_.models import MemberRequest
from tests import factories
from tests.conftest import login, post
from tests.reviews.test_pre_audit import submitted  # noqa: F401  (the fixture)

QUESTION = "Please send the signed designation of your PRRC."


def ask(client, ids, key="ORG-01", **extra):
    data = {"kind": "document", "question": QUESTION, **extra}
    return post(client, f"/requests/ask/{ids['answers'][('MEM-A', key)]}", data)


def the_request(app) -> MemberRequest:
    with app.app_context():
        request = db.session.scalars(select(MemberRequest)).one()
        db.session.expunge(request)
        return request


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("request.%")).order_by(AuditEvent.id)))


def told(app, kind: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(User.email).join(
            SentNotification, SentNotification.recipient_id == User.id).where(
            SentNotification.kind == kind)))


def revision_on(html: str) -> str:
    return re.search(r'name="revision"[^>]*value="(\d+)"', html).group(1)


def test_asked_answered_with_a_file_and_closed(app, client, people, submitted):  # noqa: F811
    login(client, people["consultant"])
    asked = ask(client, submitted)
    assert asked.status_code == 302 and asked.location.endswith("#ORG-01")
    request = the_request(app)
    assert (request.state, request.requirement_key, request.blocks_sign_off) == \
        ("open", "ORG-01", False)
    review = client.get(f"/reviews/{submitted['a']}").get_data(as_text=True)
    assert f'href="/requests/{request.id}"' in review  # listed, and on its row
    assert told(app, "request_asked") == [people["manager"]]

    post(client, "/logout")
    login(client, people["manager"])
    home = client.get("/").get_data(as_text=True)
    assert "1 request waits for your answer." in home and "ORG-01" in home
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    answered = post(client, f"/requests/{request.id}/answer", {
        "response": "Signed on 2 March.", "revision": revision_on(page),
        "files": (io.BytesIO(factories.pdf_bytes("PRRC")), "prrc.pdf")},
        content_type="multipart/form-data")
    assert answered.status_code == 302, answered.get_data(as_text=True)
    request = the_request(app)
    assert (request.state, request.response) == ("answered", "Signed on 2 March.")
    with app.app_context():
        assert db.session.scalar(select(Evidence.filename)) == "prrc.pdf"  # in the library
    assert "request waits" not in client.get("/").get_data(as_text=True)
    assert told(app, "request_answered") == [people["consultant"]]

    post(client, "/logout")
    login(client, people["consultant"])
    assert "Answers to your requests" in client.get("/").get_data(as_text=True)
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "Signed on 2 March." in page and "prrc.pdf" in page
    closed = post(client, f"/requests/{request.id}/settle",
                  {"do": "close", "revision": revision_on(page)})
    assert closed.status_code == 302
    assert the_request(app).state == "closed"
    assert actions(app) == ["request.asked", "request.answered", "request.closed"]
    history = client.get(f"/assessments/{submitted['a']}/history").get_data(as_text=True)
    for sentence in ("Consultant asked the member about", "Manager answered the request on",
                     "Consultant closed the request on", QUESTION, "Signed on 2 March.",
                     "Files: prrc"):
        assert sentence in history.replace("&#39;", "'"), sentence


def sign(client, ids):
    return post(client, f"/reviews/{ids['a']}/complete",
                {"signed_by_name": "Eva", "signed_on": date.today().isoformat()},
                follow_redirects=True)


def all_conform(client, ids):
    from tests.reviews.test_pre_audit import give_verdicts
    give_verdicts(client, ids, {"ORG-01": "conform", "ORG-02": "conform",
                                "MGT-01": "conform"})


@pytest.mark.parametrize("blocks", [True, False])
def test_a_request_blocks_the_sign_off_only_when_the_consultant_says_so(
        app, client, people, submitted, blocks):  # noqa: F811
    login(client, people["consultant"])
    ask(client, submitted, **({"blocks_sign_off": "y"} if blocks else {}))
    all_conform(client, submitted)
    page = sign(client, submitted).get_data(as_text=True)
    with app.app_context():
        from compliance.assessments.models import Assessment
        state = db.session.get(Assessment, submitted["a"]).state
    if blocks:
        assert "The request on ORG-01 must be closed before the sign-off" in page
        assert state == "in_pre_audit"
        request = the_request(app)
        post(client, f"/requests/{request.id}/settle",
             {"do": "close", "revision": str(request.revision)})
        sign(client, submitted)
        with app.app_context():
            assert db.session.get(Assessment, submitted["a"]).state == "pre_audited"
    else:
        assert state == "pre_audited"


def test_bad_requests_and_answers_change_nothing(app, client, people, submitted):  # noqa: F811
    login(client, people["consultant"])
    empty = ask(client, submitted, question="  ")
    assert empty.status_code == 400
    assert "Write your question" in empty.get_data(as_text=True)
    ask(client, submitted)
    request = the_request(app)
    post(client, "/logout")
    login(client, people["manager"])
    nothing = post(client, f"/requests/{request.id}/answer",
                   {"response": "", "revision": str(request.revision)})
    assert nothing.status_code == 400
    assert "Write an answer or add a file" in nothing.get_data(as_text=True)
    stale = post(client, f"/requests/{request.id}/answer",
                 {"response": "Here it is.", "revision": str(request.revision + 5)})
    assert stale.status_code == 409
    assert "Here it is." in stale.get_data(as_text=True)  # kept
    assert the_request(app).state == "open"
    assert actions(app) == ["request.asked"]


def test_who_may_see_ask_answer_and_close(app, client, people, submitted):  # noqa: F811
    login(client, people["consultant"])
    ask(client, submitted)
    request = the_request(app)
    answer = post(client, f"/requests/{request.id}/answer",
                  {"response": "x", "revision": str(request.revision)})
    assert answer.status_code == 403  # the consultant does not answer for the member
    post(client, "/logout")
    login(client, people["manager_b"])  # another member
    assert client.get(f"/requests/{request.id}").status_code == 404
    assert post(client, f"/requests/{request.id}/answer",
                {"response": "x"}).status_code == 404
    assert ask(client, submitted).status_code == 404
    post(client, "/logout")
    login(client, people["manager"])
    assert ask(client, submitted).status_code == 403  # the member does not ask
    assert post(client, f"/requests/{request.id}/settle",
                {"do": "close", "revision": str(request.revision)}).status_code == 403
    assert the_request(app).state == "open"
