"""Statements as JSON, checked against the schemas the API will publish."""

from __future__ import annotations

import pytest

from compliance import clock
from compliance.devices.schema import statement_schema
from compliance.devices.serialise import received_json, statement_json, statement_read_schema
from compliance.devices.services import receive_statements
from compliance.extensions import db
from tests.devices.conftest import COMPLETE, TODAY, member_named, payload


def test_the_schemas_accept_what_is_sent_and_read(app, people):
    jsonschema = pytest.importorskip("jsonschema")  # comes with the API's test tools
    jsonschema.Draft202012Validator.check_schema(statement_schema())
    validator = jsonschema.Draft202012Validator(statement_schema())
    assert list(validator.iter_errors(COMPLETE)) == []
    assert list(validator.iter_errors(payload(patient_name="Jan")))
    assert list(validator.iter_errors({"external_id": "only"})) == []  # incomplete, kept
    with app.test_request_context(), clock.frozen(TODAY):
        [result] = receive_statements(member_named("MEM-A"), [payload()], actor_label="X")
        jsonschema.validate(statement_json(result.statement), statement_read_schema())


@pytest.mark.parametrize("changes", [{}, {"characteristics": None}])
def test_a_statement_reads_back_as_it_was_sent(app, people, changes):
    with app.test_request_context(), clock.frozen(TODAY):
        [result] = receive_statements(member_named("MEM-A"), [payload(**changes)],
                                      actor_label="X", language="en")
        db.session.commit()
        data = statement_json(result.statement)
        assert set(statement_read_schema()["properties"]) == set(data)
        for key in ("manufacturer", "device", "prescriber", "gspr", "patient_code",
                    "delivery_date", "manufacturing_sites"):
            assert data[key] == COMPLETE[key]
        assert data["complete"] is not changes
        answer = received_json(result)
        assert answer["outcome"] == "created" and answer["id"] == result.statement.id
        assert [m["field"] for m in answer["missing"]] == list(changes)


def test_a_refusal_reads_as_its_errors(app, people):
    with app.test_request_context(), clock.frozen(TODAY):
        [result] = receive_statements(member_named("MEM-A"), [payload(patient_name="Jan")],
                                      actor_label="X", language="en")
        assert received_json(result) == {
            "external_id": "ORD-1", "outcome": "refused",
            "errors": [{"field": "patient_name", "message": result.errors[0].message}]}
