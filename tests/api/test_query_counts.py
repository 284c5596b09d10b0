"""Every read runs a fixed number of SQL queries, whatever the data: measured with one
assessment and nothing uploaded, then with three campaigns and twelve files linked to
the requirements."""

from __future__ import annotations

import io

from bench.harness import counting_queries
from compliance.extensions import db
from tests import factories
from tests.api.conftest import bearer

READS = ("/api/v1/member", "/api/v1/assessments", "/api/v1/assessments/{a}",
         "/api/v1/requirements", "/api/v1/deadlines", "/api/v1/duties", "/api/v1/actions",
         "/api/v1/evidence/{e}")
# The token's own cost is fixed (found with its maker, counted, committed, read back);
# the deadlines are the reminders' list, in its own fixed number of queries.
MAX_QUERIES = 14


def counts(app, api, token, ids) -> dict[str, int]:
    found = {}
    for url in READS:
        url = url.format(**ids)
        api.get(url, headers=bearer(token))  # warm up
        with counting_queries(app) as statements:
            answer = api.get(url, headers=bearer(token))
        assert answer.status_code == 200, (url, answer.json)
        found[url] = len(statements)
    return found


def upload(api, token, text: str, keys: str) -> int:
    return api.post("/api/v1/evidence", headers=bearer(token), data={
        "file": (io.BytesIO(factories.pdf_bytes(text)), f"{text}.pdf"), "requirements": keys,
        "expiry_date": "2030-01-01"}, content_type="multipart/form-data").json["id"]


def test_reads_run_a_fixed_number_of_queries(app, api, token_a, assessments, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 10_000)
    ids = {"a": assessments["a"], "e": upload(api, token_a, "first", "ORG-01")}
    small = counts(app, api, token_a, ids)
    with app.app_context():
        from compliance.manual.models import ManualVersion

        version = db.session.get(ManualVersion, assessments["version"])
        for year in (2027, 2028):
            factories.campaign(version, title=f"Campaign {year}")
        db.session.commit()
    for number in range(11):
        upload(api, token_a, f"file {number}", "ORG-01,ORG-02,MGT-01")
    large = counts(app, api, token_a, ids)
    print({url: (small[url], large[url]) for url in small})
    assert large == small
    assert max(large.values()) <= MAX_QUERIES
