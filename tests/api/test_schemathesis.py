"""Schemathesis against the served OpenAPI document, over every operation: no answer is
a server error, every status is documented, every answer matches its schema. The
database holds two members, their assessments, a corrective action and evidence, so
that generated ids sometimes hit real objects (the token's, and the other member's)."""

from __future__ import annotations

import io

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories
from tests.actions.test_corrective_actions import action_id  # noqa: F401
from tests.api.conftest import bearer, make_token
from tests.reviews.test_pre_audit import submitted  # noqa: F401

# The test client hands back the bytes as sent: ask for them uncompressed.
IDENTITY = {"Accept-Encoding": "identity"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


@pytest.fixture
def api_schema(app, client, people, action_id, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 100_000)
    token = make_token(client, people["manager"], scopes=("read", "evidence", "devices"))
    other = make_token(client, people["manager_b"], name="B")
    api = app.test_client(use_cookies=False)
    for secret in (token, other):
        api.post("/api/v1/evidence", headers=bearer(secret), content_type="multipart/form-data",
                 data={"file": (io.BytesIO(factories.pdf_bytes(secret)), "proof.pdf")})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.token = token
    return schema


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_to_the_document(api_schema, mode):
    """Each operation in turn (the lazy pytest loader of schemathesis does not run on this
    pytest), with data that fits the document and data that does not: its cases sent and
    checked."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=bearer(api_schema.token, **IDENTITY), checks=CHECKS)

        check()
