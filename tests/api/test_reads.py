"""Reading through the API: the token's member only (another's is a 404), scopes,
pagination with a Link header, ETags and 304, problem details in the maker's language,
the rate limit."""

from __future__ import annotations

import io

from sqlalchemy import select

from compliance.extensions import db
from tests.api.conftest import bearer, make_token

READS = ("/api/v1/member", "/api/v1/assessments", "/api/v1/requirements",
         "/api/v1/deadlines", "/api/v1/duties", "/api/v1/actions")


def test_every_read_answers_the_tokens_member_only(app, api, token_a, token_b, assessments):
    mine = api.get("/api/v1/assessments", headers=bearer(token_a)).json["items"]
    theirs = api.get("/api/v1/assessments", headers=bearer(token_b)).json["items"]
    assert [a["id"] for a in mine] == [assessments["a"]]
    assert [a["id"] for a in theirs] == [assessments["b"]]
    assert api.get("/api/v1/member", headers=bearer(token_b)).json["code"] == "MEM-B"
    other = api.get(f"/api/v1/assessments/{assessments['b']}", headers=bearer(token_a))
    assert other.status_code == 404 and other.mimetype == "application/problem+json"
    assert other.json["status"] == 404 and other.json["type"].endswith("/not-found")
    assert api.get("/api/v1/assessments/999999", headers=bearer(token_a)).json == other.json


def test_an_assessment_reads_with_progress_and_scores_by_chapter(app, api, token_a,
                                                                  assessments):
    from tests.reviews.test_pre_audit import submitted  # noqa: F401

    body = api.get(f"/api/v1/assessments/{assessments['a']}", headers=bearer(token_a)).json
    assert body["state"] == "not_started"
    assert body["progress"] == {"included": 3, "answered": 0, "to_confirm": 0, "percent": 0}
    assert [c["chapter"] for c in body["chapters"]] == ["ORG", "MGT"]
    assert body["chapters"][0]["progress"]["included"] == 2
    assert body["consultant_score"] is None and body["readiness"] is None


def test_the_requirements_are_those_that_apply_to_the_member(app, api, token_a, token_b,
                                                             assessments):
    def keys(token):
        return [r["key"] for r in api.get("/api/v1/requirements",
                                          headers=bearer(token)).json["items"]]

    assert keys(token_a) == ["ORG-01", "ORG-02", "MGT-01"]  # MGT-02 is not for MEM-A
    assert keys(token_b) == ["ORG-01", "MGT-01", "MGT-02"]


def test_deadlines_and_duties_come_from_the_reminders(app, api, token_a, assessments):
    deadlines = api.get("/api/v1/deadlines", headers=bearer(token_a)).json["items"]
    kinds = {d["kind"] for d in deadlines}
    assert {"assessment_due", "duty_due"} <= kinds
    assert [d["due"] for d in deadlines] == sorted(d["due"] for d in deadlines)
    duties = api.get("/api/v1/duties", headers=bearer(token_a)).json["items"]
    assert [d["requirement"] for d in duties] == ["MGT-01"]


def test_lists_are_paginated_with_a_cursor_and_a_link(app, api, token_a, assessments):
    first = api.get("/api/v1/requirements?limit=2", headers=bearer(token_a))
    assert len(first.json["items"]) == 2 and first.json["next_cursor"]
    link = first.headers["Link"]
    assert link.endswith('rel="next"') and "cursor=" in link
    url = link[link.index("<") + 1:link.index(">")]
    second = api.get(url, headers=bearer(token_a))
    assert [r["key"] for r in second.json["items"]] == ["MGT-01"]
    assert second.json["next_cursor"] is None and "Link" not in second.headers
    for bad in ("limit=0", "limit=abc", "limit=1000", "cursor=nope", "cursor=YWZ0ZXI6LTE"):
        refused = api.get(f"/api/v1/requirements?{bad}", headers=bearer(token_a))
        assert refused.status_code == 400, bad
        assert refused.json["type"].endswith("/bad-parameter")


def test_reads_carry_an_etag_and_answer_304_when_unchanged(app, api, token_a, assessments):
    first = api.get("/api/v1/member", headers=bearer(token_a))
    etag = first.headers["ETag"]
    again = api.get("/api/v1/member", headers=bearer(token_a, **{"If-None-Match": etag}))
    assert again.status_code == 304 and again.get_data() == b""
    with app.app_context():
        from compliance.members.models import Member

        db.session.scalar(select(Member).where(Member.code == "MEM-A")).name = "Renamed"
        db.session.commit()
    changed = api.get("/api/v1/member", headers=bearer(token_a, **{"If-None-Match": etag}))
    assert changed.status_code == 200 and changed.json["name"] == "Renamed"
    assert changed.headers["ETag"] != etag


def test_a_compressed_answers_etag_validates_too(app, api, token_a, assessments):
    first = api.get("/api/v1/requirements",
                    headers=bearer(token_a, **{"Accept-Encoding": "gzip"}))
    etag = first.headers["ETag"]
    assert etag.endswith(':gzip"')
    again = api.get("/api/v1/requirements", headers=bearer(
        token_a, **{"Accept-Encoding": "gzip", "If-None-Match": etag}))
    assert again.status_code == 304 and again.headers["ETag"] == etag


def test_a_token_without_the_scope_is_refused(app, client, api, people, assessments):
    evidence_only = make_token(client, people["manager"], scopes=("evidence",))
    refused = api.get("/api/v1/member", headers=bearer(evidence_only))
    assert refused.status_code == 403 and refused.json["scope"] == "read"
    read_only = make_token(client, people["manager"], name="reader", scopes=("read",))
    refused = api.post("/api/v1/evidence", headers=bearer(read_only), data={})
    assert refused.status_code == 403 and refused.json["scope"] == "evidence"


def test_problems_speak_the_makers_language_or_the_requested_one(app, client, api, people):
    with app.app_context():
        from compliance.auth.models import User

        db.session.scalar(select(User).where(User.email == people["manager"])).locale = "nl"
        db.session.commit()
    secret = make_token(client, people["manager"])
    dutch = api.get("/api/v1/assessments/12345", headers=bearer(secret))
    french = api.get("/api/v1/assessments/12345",
                     headers=bearer(secret, **{"Accept-Language": "fr"}))
    english = api.get("/api/v1/assessments/12345",
                      headers=bearer(secret, **{"Accept-Language": "en"}))
    assert len({dutch.json["detail"], french.json["detail"], english.json["detail"]}) == 3


def test_unknown_addresses_and_methods_are_problems_too(app, api, token_a):
    missing = api.get("/api/v1/nothing-here", headers=bearer(token_a))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = api.delete("/api/v1/member", headers=bearer(token_a))
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    assert wrong.mimetype == "application/problem+json"


def test_a_request_too_large_is_a_problem(app, api, token_a, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    answer = api.post("/api/v1/evidence", headers=bearer(token_a),
                      data={"file": (io.BytesIO(b"%PDF" + b"x" * 5000), "big.pdf")},
                      content_type="multipart/form-data")
    assert answer.status_code == 413 and answer.mimetype == "application/problem+json"


def test_requests_are_limited_per_token(app, client, api, people, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 3)
    first, second = make_token(client, people["manager"]), make_token(
        client, people["manager"], name="second")
    assert [api.get("/api/v1/member", headers=bearer(first)).status_code
            for _ in range(3)] == [200, 200, 200]
    limited = api.get("/api/v1/member", headers=bearer(first))
    assert limited.status_code == 429 and limited.json["type"].endswith("/rate-limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert api.get("/api/v1/member", headers=bearer(second)).status_code == 200


def test_the_window_starts_again_after_a_minute(app, client, people):
    from datetime import timedelta

    from compliance.db import utcnow
    from compliance.tokens.models import ApiToken
    from compliance.tokens.services import count_request

    make_token(client, people["manager"])
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        now = utcnow()
        assert count_request(token, 1, now).allowed
        refused = count_request(token, 1, now + timedelta(seconds=20))
        assert not refused.allowed and refused.retry_after == 40
        assert count_request(token, 1, now + timedelta(seconds=61)).allowed


def test_the_document_and_the_reference_page_need_no_token(app, api):
    spec = api.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    operations = {(m.upper(), p) for p, ms in spec["paths"].items() for m in ms}
    assert ("POST", "/evidence") in operations and ("GET", "/deadlines") in operations
    page = api.get("/api/v1/reference").get_data(as_text=True)
    for method, path in operations:
        assert f"{method} /api/v1{path}" in page
    assert "<script" not in page
