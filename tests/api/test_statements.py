"""Device statements through the API: a batch posted by a token with the scope
"devices", kept complete or incomplete (what is missing named in the member's language),
read back with ETags; all or nothing when a statement is refused (a patient identifier);
Idempotency-Key; another member's statements are a 404; two requests at once with the
same new external id do not fail."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from compliance.audit import AuditEvent, verify_chain
from compliance.devices.models import DeviceStatement
from compliance.extensions import db
from tests.api.conftest import bearer, make_token
from tests.devices.conftest import payload

NATIONAL_NUMBER = "85.07.30-033.28"  # a well-formed Belgian national register number


@pytest.fixture
def devices_a(app, client, people) -> str:
    return make_token(client, people["manager"], name="OrthoSoft",
                      scopes=("read", "devices"))


@pytest.fixture
def devices_b(app, client, people) -> str:
    return make_token(client, people["manager_b"], name="B soft", scopes=("read", "devices"))


def send(api, token, statements, key: str | None = None, **headers):
    if key:
        headers["Idempotency-Key"] = key
    return api.post("/api/v1/statements", json={"statements": statements},
                    headers=bearer(token, **headers))


def stored(app) -> list[DeviceStatement]:
    with app.app_context():
        return list(db.session.scalars(select(DeviceStatement).order_by(DeviceStatement.id)))


def test_a_batch_is_kept_complete_and_incomplete(app, api, devices_a):
    answer = send(api, devices_a, [payload(), payload(external_id="ORD-2",
                                                      characteristics=None)])
    assert answer.status_code == 200, answer.json
    first, second = answer.json["results"]
    assert first["outcome"] == "created" and first["complete"] is True
    assert first["missing"] == []
    assert second["outcome"] == "created" and second["complete"] is False
    # MEM-A is in Flanders: what is missing is said in Dutch.
    assert second["missing"] == [{"field": "characteristics", "message":
                                  "Ontbreekt: Specifieke kenmerken zoals voorgeschreven"}]
    assert answer.json["counts"] == {"created": 2, "updated": 0, "unchanged": 0,
                                     "incomplete": 1}
    english = send(api, devices_a, [payload(external_id="ORD-2", characteristics=None)],
                   **{"Accept-Language": "en"})
    assert english.json["results"][0]["outcome"] == "unchanged"
    assert english.json["results"][0]["missing"][0]["message"] == \
        "Missing: Specific characteristics as prescribed"
    rows = stored(app)
    assert [(s.external_id, s.complete, s.missing) for s in rows] == [
        ("ORD-1", True, []), ("ORD-2", False, ["characteristics"])]
    assert all(s.received_by.startswith("OrthoSoft (mdr_") for s in rows)


def test_each_post_is_an_audit_event_naming_the_token(app, api, devices_a):
    send(api, devices_a, [payload()])
    with app.app_context():
        (event,) = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "statements_received")).all()
        assert event.after["via"]["token"].startswith("OrthoSoft (mdr_")
        assert event.after["created"] == 1 and event.actor.email == "manager@a.example"
        assert verify_chain().ok


def test_statements_are_read_back_with_etags_and_filters(app, api, devices_a):
    send(api, devices_a, [payload(), payload(external_id="ORD-2", characteristics=None,
                                             delivery_date="2026-10-03")])
    listed = api.get("/api/v1/statements?limit=1", headers=bearer(devices_a))
    assert listed.status_code == 200 and len(listed.json["items"]) == 1
    assert listed.json["next_cursor"] and 'rel="next"' in listed.headers["Link"]
    incomplete = api.get("/api/v1/statements?complete=false", headers=bearer(devices_a)).json
    assert [s["external_id"] for s in incomplete["items"]] == ["ORD-2"]
    assert incomplete["items"][0]["missing"][0]["message"] == \
        "Specifieke kenmerken zoals voorgeschreven"
    october = api.get("/api/v1/statements?month=2026-10", headers=bearer(devices_a)).json
    assert [s["external_id"] for s in october["items"]] == ["ORD-2"]
    assert api.get("/api/v1/statements?month=2026-13",
                   headers=bearer(devices_a)).status_code == 400
    assert api.get("/api/v1/statements?complete=yes",
                   headers=bearer(devices_a)).status_code == 400
    one_id = listed.json["items"][0]["id"]
    one = api.get(f"/api/v1/statements/{one_id}", headers=bearer(devices_a))
    assert one.json["external_id"] == "ORD-1" and one.json["device"]["family"] == "orthosis"
    assert one.json["retention_end"] == "2036-11-05" and one.json["complete"] is True
    again = api.get(f"/api/v1/statements/{one_id}",
                    headers=bearer(devices_a, **{"If-None-Match": one.headers["ETag"]}))
    assert again.status_code == 304
    send(api, devices_a, [payload(characteristics="Changed after a fitting")])
    changed = api.get(f"/api/v1/statements/{one_id}",
                      headers=bearer(devices_a, **{"If-None-Match": one.headers["ETag"]}))
    assert changed.status_code == 200 and changed.json["revision"] == 2


def test_a_token_without_the_devices_scope_is_refused(app, api, token_a):
    answer = send(api, token_a, [payload()])
    assert answer.status_code == 403 and answer.json["scope"] == "devices"
    assert stored(app) == []


def test_another_members_statements_are_not_found(app, api, devices_a, devices_b):
    mine = send(api, devices_a, [payload()]).json["results"][0]["id"]
    assert api.get(f"/api/v1/statements/{mine}", headers=bearer(devices_b)).status_code == 404
    assert api.get("/api/v1/statements", headers=bearer(devices_b)).json["items"] == []
    # The same external id for the other member is its own statement.
    theirs = send(api, devices_b, [payload()]).json["results"][0]
    assert theirs["outcome"] == "created" and theirs["id"] != mine


def test_a_retry_with_the_same_key_changes_nothing(app, api, devices_a):
    first = send(api, devices_a, [payload()], key="batch-1")
    retry = send(api, devices_a, [payload()], key="batch-1")
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json == first.json and retry.json["results"][0]["outcome"] == "created"
    other = send(api, devices_a, [payload(patient_code="PT-2")], key="batch-1")
    assert other.status_code == 422 and other.json["type"].endswith("idempotency-key-reused")
    assert len(stored(app)) == 1 and stored(app)[0].revision == 1


def test_a_patient_identifier_refuses_the_whole_batch(app, api, devices_a):
    answer = send(api, devices_a, [
        payload(external_id="OK-1"),
        payload(external_id="BAD-1", characteristics=f"Patient {NATIONAL_NUMBER}"),
        payload(external_id="BAD-2", patient_name="Jan Peeters")],
        **{"Accept-Language": "en"})
    assert answer.status_code == 422, answer.json
    assert answer.json["field"] == "statements[1].characteristics"
    assert "national register number" in answer.json["detail"]
    assert [(e["index"], e["external_id"], e["field"]) for e in answer.json["errors"]] == [
        (1, "BAD-1", "characteristics"), (2, "BAD-2", "patient_name")]
    assert stored(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "statements_received")) == 0


@pytest.mark.parametrize("body", [{}, {"statements": []}, {"statements": "ORD-1"},
                                  {"statements": [{}] * 501},
                                  {"statements": [{"external_id": "x"}], "extra": 1}])
def test_a_malformed_batch_is_refused(app, api, devices_a, body):
    answer = api.post("/api/v1/statements", json=body, headers=bearer(devices_a))
    assert answer.status_code == 422 and answer.json["field"] in ("statements", "extra")
    assert stored(app) == []


def test_two_posts_at_once_with_the_same_new_external_id(app, database_url, devices_a):
    if not database_url.startswith("postgresql"):
        return  # SQLite serialises writers anyway; the race is PostgreSQL's to show
    answers, start = [], threading.Barrier(4)

    def post():
        api = app.test_client(use_cookies=False)
        start.wait()
        answers.append(send(api, devices_a, [payload(external_id="RACE-1")]))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * 4, [a.json for a in answers]
    outcomes = sorted(a.json["results"][0]["outcome"] for a in answers)
    assert outcomes == ["created", "unchanged", "unchanged", "unchanged"]
    assert len({a.json["results"][0]["id"] for a in answers}) == 1 and len(stored(app)) == 1


def test_reads_and_posts_run_a_fixed_number_of_queries(app, api, devices_a, monkeypatch):
    from bench.harness import counting_queries

    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 10_000)

    def measured(size: int, prefix: str) -> tuple[int, int, int]:
        batch = [payload(external_id=f"{prefix}-{n}", characteristics=None if n % 3 else "x")
                 for n in range(size)]
        with counting_queries(app) as posted:
            answer = send(api, devices_a, batch)
        assert answer.status_code == 200
        first = answer.json["results"][0]["id"]
        found = []
        for url in ("/api/v1/statements?limit=200", f"/api/v1/statements/{first}"):
            with counting_queries(app) as statements:
                assert api.get(url, headers=bearer(devices_a)).status_code == 200
            found.append(len(statements))
        # The rows' own INSERTs aside (one each on SQLite, whose RETURNING has no order;
        # batched on PostgreSQL), a batch costs the same whatever its size.
        others = [q for q in posted if not q.startswith("INSERT INTO device_statement")]
        return len(others), *found

    small, large = measured(3, "S"), measured(150, "L")
    assert small == large and max(small) <= 12, (small, large)


def test_the_document_describes_the_statements(app, api):
    spec = api.get("/api/v1/openapi.json").json
    post = spec["paths"]["/statements"]["post"]
    assert post["x-scope"] == "devices"
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["statements"]["maxItems"] == 500
    assert body["properties"]["statements"]["items"] == {
        "$ref": "#/components/schemas/DeviceStatement"}
    assert spec["paths"]["/statements/{statement_id}"]["get"]["x-scope"] == "read"
    schemas = spec["components"]["schemas"]
    assert {"DeviceStatement", "DeviceStatementRead", "StatementBatchResult",
            "StatementOutcome", "StatementRefusal"} <= set(schemas)
    assert "patient_code" in schemas["DeviceStatement"]["properties"]
    assert "POST /api/v1/statements" in api.get("/api/v1/reference").get_data(as_text=True)


@pytest.mark.parametrize(("changes", "field"), [
    ({"external_id": "ORD\x00-1"}, "statements[0].external_id"),
    ({"characteristics": "cast \udb51"}, "statements[0].characteristics"),
    ({"manufacturing_sites": [{"name": "A\x07", "address": "x"}]},
     "statements[0].manufacturing_sites[0].name"),
])
def test_text_that_cannot_be_stored_is_refused(app, api, devices_a, changes, field):
    answer = send(api, devices_a, [payload(**changes)], **{"Accept-Language": "en"})
    assert answer.status_code == 422 and answer.json["field"] == field, answer.json
    assert "control characters" in answer.json["detail"] and stored(app) == []
