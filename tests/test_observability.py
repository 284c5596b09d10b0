"""Watching it: one JSON line per request (no personal data), X-Request-ID, security
events in the log, and /metrics for Prometheus, restricted to a token or this machine."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from compliance.extensions import db
from compliance.observability import metrics_folder
from tests.conftest import login


def lines(caplog, logger: str) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == logger]


def test_each_request_is_one_json_line_without_personal_data(app, client, people, caplog):
    caplog.set_level("INFO", logger="compliance.access")
    login(client, people["manager"])
    caplog.clear()
    response = client.get("/evidence/12345/download?email=manager@a.example",
                          headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "abc-123"
    (line,) = lines(caplog, "compliance.access")
    with app.app_context():
        from compliance.auth.models import User

        manager_id = db.session.scalar(db.select(User.id).where(User.email == people["manager"]))
    assert line == {"event": "request", "request_id": "abc-123", "method": "GET",
                    "route": "/evidence/<int:evidence_id>/download", "status": 404,
                    "duration_ms": line["duration_ms"], "user_id": manager_id}
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "manager@a.example" not in caplog.text and "12345" not in caplog.text


def test_a_request_id_is_made_when_missing_or_unusable(client, caplog):
    caplog.set_level("INFO", logger="compliance.access")
    made = client.get("/login").headers["X-Request-ID"]
    assert len(made) == 32 and all(c in "0123456789abcdef" for c in made)
    unusable = "bad id; with spaces " + "x" * 80
    odd = client.get("/login", headers={"X-Request-ID": unusable})
    assert odd.headers["X-Request-ID"] != unusable
    assert len(odd.headers["X-Request-ID"]) == 32
    assert [line["route"] for line in lines(caplog, "compliance.access")] == ["/login"] * 2


def test_security_events_are_logged(app, client, people, caplog):
    caplog.set_level("INFO", logger="compliance.security")
    assert login(client, people["manager"], "wrong password").status_code == 401
    assert login(client, "nobody@x.example", "whatever").status_code == 401
    assert login(client, people["manager"]).status_code == 302
    events = [(e["event"], e.get("reason")) for e in lines(caplog, "compliance.security")]
    assert events == [("login_failed", "wrong password"), ("login_failed", "unknown account"),
                      ("login", None)]
    assert all(e["request_id"] for e in lines(caplog, "compliance.security"))
    assert "nobody@x.example" not in caplog.text


def test_a_lockout_is_logged(app, client, people, caplog):
    from compliance.auth.services import MAX_FAILURES_PER_EMAIL

    caplog.set_level("INFO", logger="compliance.security")
    for _ in range(MAX_FAILURES_PER_EMAIL + 1):
        login(client, people["staff"], "wrong password")
    events = [e["event"] for e in lines(caplog, "compliance.security")]
    assert events[-1] == "login_locked_out"


def metrics(client, **kwargs) -> dict[str, float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    samples = {}
    for line in response.get_data(as_text=True).splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def test_metrics_add_up_every_worker_and_count_reminder_passes(app, client, people):
    from compliance.reminders.models import JobRun

    route = 'route="/login",method="GET"'
    before = metrics(client).get(f'compliance_http_requests_total{{{route},status="200"}}', 0)
    client.get("/login")
    client.get("/login")
    other_worker = metrics_folder(app) / "999999999.json"  # another gunicorn worker's counts
    other_worker.write_text(json.dumps({
        f'compliance_http_requests_total{{{route},status="200"}}': 5}))
    with app.app_context():
        db.session.add_all([JobRun(job="reminders", day=date(2026, 11, 30), outcome="failed"),
                            JobRun(job="reminders", day=date(2026, 11, 30), outcome="done",
                                   digests=7, finished_at=db.func.now())])
        db.session.commit()
    try:
        samples = metrics(client)
    finally:
        os.remove(other_worker)
    assert samples[f'compliance_http_requests_total{{{route},status="200"}}'] == before + 2 + 5
    assert samples[f'compliance_http_request_duration_seconds_count{{{route}}}'] >= 2
    assert samples[f'compliance_http_request_duration_seconds_bucket{{{route},le="+Inf"}}'] \
        == samples[f'compliance_http_request_duration_seconds_count{{{route}}}']
    assert samples['compliance_reminder_passes_total{outcome="done"}'] == 1
    assert samples['compliance_reminder_passes_total{outcome="failed"}'] == 1
    assert samples["compliance_reminder_digests_total"] == 7
    assert "compliance_reminder_last_done_timestamp_seconds" in samples
    assert any(name.startswith("compliance_db_pool_checked_out") for name in samples)


def test_metrics_only_from_this_machine_or_with_the_token(app, client, monkeypatch):
    outside = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    assert client.get("/metrics", **outside).status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token")
    assert client.get("/metrics").status_code == 404  # the token is needed then, even here
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"},
                      **outside).status_code == 404
    assert metrics(client, headers={"Authorization": "Bearer s3cret-token"}, **outside)


@pytest.fixture(autouse=True)
def _clean(db):
    yield


def test_metrics_through_a_proxy_need_the_token(client):
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code \
        == 404


def test_each_process_keeps_the_pool_of_db_pool_size(app, client, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the pool settings apply to PostgreSQL")
    assert app.config["DB_POOL_SIZE"] == 5
    samples = metrics(client)
    (size,) = [v for k, v in samples.items() if k.startswith("compliance_db_pool_size")]
    assert size == 5
