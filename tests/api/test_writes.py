"""Writing through the API: evidence with the requirements it supports, checked as in
the pages; Idempotency-Key; a corrective action marked done with its proof; every
change an audit event naming the token."""

from __future__ import annotations

import io
import threading

from sqlalchemy import func, select

from compliance.actions.models import CorrectiveAction
from compliance.assessments.models import AnswerEvidence
from compliance.audit import AuditEvent, verify_chain
from compliance.evidence.models import Evidence
from compliance.extensions import db
from tests import factories
from tests.actions.test_corrective_actions import action_id  # noqa: F401
from tests.api.conftest import bearer
from tests.conftest import login
from tests.reviews.test_pre_audit import submitted  # noqa: F401


def upload(api, token, content: bytes | None = None, key: str | None = None, **fields):
    data = {"file": (io.BytesIO(content or factories.pdf_bytes("PRRC letter")), "prrc.pdf"),
            "title": "PRRC designation", "document_date": "2026-01-15", **fields}
    headers = bearer(token, **({"Idempotency-Key": key} if key else {}))
    return api.post("/api/v1/evidence", data=data, headers=headers,
                    content_type="multipart/form-data")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_an_upload_stores_the_file_and_links_its_requirements(app, api, client, token_a,
                                                              assessments):
    answer = upload(api, token_a, requirements=["ORG-01", "ORG-02"])
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["title"] == "PRRC designation" and body["document_date"] == "2026-01-15"
    assert body["supports"] == ["ORG-01", "ORG-02"] and body["reused"] is False
    assert api.get(f"/api/v1/evidence/{body['id']}", headers=bearer(token_a)).json[
        "supports"] == ["ORG-01", "ORG-02"]
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(["evidence.uploaded", "evidence.linked"]))).all()
        assert len(events) == 3
        assert all(e.after["via"]["token"].startswith("OrthoSoft (mdr_") for e in events)
        assert all(e.actor.email == "manager@a.example" for e in events)
        assert verify_chain().ok
    login(client, "manager@a.example")
    history = client.get(f"/assessments/{assessments['a']}/history").get_data(as_text=True)
    assert "(API token “OrthoSoft (mdr_" in history


def test_the_same_checks_as_the_pages(app, api, token_a, assessments):
    fake = upload(api, token_a, content=b"MZ\x90\x00 not a pdf")
    assert fake.status_code == 422
    assert "is not a real PDF file" in fake.json["detail"]
    wrong_date = upload(api, token_a, document_date="15/01/2026")
    assert wrong_date.status_code == 422 and wrong_date.json["field"] == "document_date"
    backwards = upload(api, token_a, expiry_date="2025-01-01")
    assert backwards.status_code == 422 and "expiry date is before" in backwards.json["detail"]
    unknown = upload(api, token_a, requirements="ORG-01,NOPE-9")
    assert unknown.status_code == 422 and "NOPE-9" in unknown.json["detail"]
    nul = upload(api, token_a, title="PRRC\x00", requirements="ORG\x00")
    assert nul.status_code == 422 and "control characters" in nul.json["detail"]
    no_file = api.post("/api/v1/evidence", data={"title": "x"}, headers=bearer(token_a))
    assert no_file.status_code == 422 and no_file.json["field"] == "file"
    assert count(app, Evidence) == 0 and count(app, AnswerEvidence) == 0


def test_a_requirement_of_a_submitted_assessment_takes_no_evidence(app, api, token_a,
                                                                   submitted):  # noqa: F811
    refused = upload(api, token_a, requirements=["ORG-01"])
    assert refused.status_code == 422 and count(app, Evidence) == 0


def test_a_retry_with_the_same_key_stores_nothing_twice(app, api, token_a, assessments):
    first = upload(api, token_a, key="k-1", requirements=["ORG-01"])
    retried = upload(api, token_a, key="k-1", requirements=["ORG-01"])
    assert first.status_code == retried.status_code == 201
    assert retried.json == first.json and retried.headers["Idempotent-Replayed"] == "true"
    assert count(app, Evidence) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(
            AuditEvent.action == "evidence.uploaded")) == 1
    other = upload(api, token_a, key="k-1", content=factories.pdf_bytes("another"))
    assert other.status_code == 422 and other.json["type"].endswith("/idempotency-key-reused")
    assert count(app, Evidence) == 1


def test_answers_are_kept_a_week_then_the_key_is_free(app, api, token_a, assessments):
    from compliance.api.idempotency import KEPT
    from compliance.api.models import IdempotentRequest
    from compliance.db import utcnow

    assert upload(api, token_a, key="old", requirements=["ORG-01"]).status_code == 201
    assert upload(api, token_a, key="recent", content=factories.pdf_bytes("b")).status_code \
        == 201
    with app.app_context():
        db.session.execute(IdempotentRequest.__table__.update().where(
            IdempotentRequest.key == "old").values(created_at=utcnow() - KEPT - KEPT / 7))
        db.session.commit()
    assert upload(api, token_a, key="new", content=factories.pdf_bytes("c")).status_code \
        == 201
    with app.app_context():
        assert set(db.session.scalars(select(IdempotentRequest.key))) == {"recent", "new"}
    replayed = upload(api, token_a, key="recent", content=factories.pdf_bytes("b"))
    assert replayed.headers["Idempotent-Replayed"] == "true"  # within the week: kept


def test_concurrent_retries_store_once(app, database_url, token_a, assessments):
    if not database_url.startswith("postgresql"):
        return  # SQLite serialises writers anyway; the race is PostgreSQL's to show
    answers = []

    def send():
        answers.append(upload(app.test_client(use_cookies=False), token_a, key="same"))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201] * 4
    assert len({a.json["id"] for a in answers}) == 1 and count(app, Evidence) == 1


def test_the_same_file_without_a_key_is_recognised(app, api, token_a, assessments):
    upload(api, token_a)
    again = upload(api, token_a)
    assert again.status_code == 200 and again.json["reused"] is True
    assert count(app, Evidence) == 1


def test_another_members_evidence_is_not_found(app, api, token_a, token_b, assessments):
    mine = upload(api, token_a).json["id"]
    assert api.get(f"/api/v1/evidence/{mine}", headers=bearer(token_b)).status_code == 404


def test_an_action_is_marked_done_with_its_proof(app, api, client, people, action_id,  # noqa: F811
                                                 token_b):
    from tests.api.conftest import make_token

    token = make_token(client, people["manager"])
    listed = api.get("/api/v1/actions?status=unfinished", headers=bearer(token)).json["items"]
    assert [a["id"] for a in listed] == [action_id]
    assert api.get(f"/api/v1/actions/{action_id}", headers=bearer(token_b)).status_code == 404
    refused = api.post(f"/api/v1/actions/{action_id}/done", headers=bearer(token_b),
                       data={"closure_note": "Done"})
    assert refused.status_code == 404
    etag = api.get(f"/api/v1/actions/{action_id}", headers=bearer(token)).headers["ETag"]
    stale = api.post(f"/api/v1/actions/{action_id}/done",
                     headers=bearer(token, **{"If-Match": '"not-the-etag"'}),
                     data={"closure_note": "Done"})
    assert stale.status_code == 412 and stale.json["type"].endswith("/changed-meanwhile")
    empty = api.post(f"/api/v1/actions/{action_id}/done", headers=bearer(token),
                     data={"closure_note": " "})
    assert empty.status_code == 422 and empty.json["field"] == "closure_note"
    def mark_done():
        return api.post(f"/api/v1/actions/{action_id}/done",
                        headers=bearer(token, **{"If-Match": etag, "Idempotency-Key": "d1"}),
                        content_type="multipart/form-data",
                        data={"closure_note": "Management review held on 3 March",
                              "file": (io.BytesIO(factories.pdf_bytes("minutes")),
                                       "minutes.pdf")})

    done = mark_done()
    assert done.status_code == 200, done.json
    retried = mark_done()  # the same key: the first answer, although the ETag moved on
    assert retried.status_code == 200 and retried.json == done.json
    assert done.json["status"] == "done" and len(done.json["evidence"]) == 1
    again = api.post(f"/api/v1/actions/{action_id}/done", headers=bearer(token),
                     data={"closure_note": "again"})
    assert again.status_code == 422  # the workflow refuses: already done
    with app.app_context():
        action = db.session.get(CorrectiveAction, action_id)
        assert action.status == "done" and action.closure_note.startswith("Management")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "action.done"))
        assert event.after["via"]["token_id"] and event.actor.email == people["manager"]
