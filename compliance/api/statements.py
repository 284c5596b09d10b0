"""Device statements (MDR Annex XIII §1) sent by the practice software, in batches, and
read back.

``POST /statements`` takes ``{"statements": [...]}`` (1 to ``MAX_BATCH``) and is all or
nothing: if any statement is refused (a patient's name or national register number, a
malformed field), the answer is a 422 problem listing every refusal by position and
field, and nothing of the batch is stored. Otherwise every statement is kept under its
``external_id`` (created, updated, or unchanged when sent again as it was), a
statement that lacks an element is kept as incomplete with the list of what is missing,
and the answer is 200 with one outcome per statement, in the order sent. Missing
elements are named in the member's language (its region's), unless the request sends
Accept-Language. Two requests at once with the same new ``external_id``: the second is
run again after the first's commit, and so updates (or leaves unchanged) that statement.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask import request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from compliance.api import idempotency, paging
from compliance.api.core import (
    ID,
    api_operation,
    current_member_id,
    current_token,
    current_user,
    one_or_404,
    ref,
    schemas,
)
from compliance.api.problems import problem
from compliance.api.schemas import obj
from compliance.devices.models import DeviceStatement
from compliance.devices.schema import statement_schema
from compliance.devices.serialise import received_json, statement_json, statement_read_schema
from compliance.devices.services import Received, member_language, receive_statements
from compliance.extensions import db
from compliance.i18n import LANGUAGES
from compliance.members.models import Member

DEVICES, READ = "devices", "read"
MAX_BATCH = 500
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
FIELD_ERROR = obj({"field": {"type": "string"}, "message": {"type": "string"}})

schemas(
    DeviceStatement=statement_schema(),
    DeviceStatementRead=statement_read_schema(),
    StatementOutcome=obj({
        "external_id": {"type": ["string", "null"]},
        "outcome": {"type": "string", "enum": ["created", "updated", "unchanged"]},
        "id": {"type": "integer"}, "complete": {"type": "boolean"},
        "missing": {"type": "array", "items": FIELD_ERROR,
                    "description": "The elements the statement lacks (it is kept as "
                                   "incomplete), in the member's language."}}),
    StatementBatchResult=obj({
        "results": {"type": "array", "items": ref("StatementOutcome"),
                    "description": "One per statement sent, in the same order."},
        "counts": obj({name: {"type": "integer", "minimum": 0} for name in (
            "created", "updated", "unchanged", "incomplete")})}),
    StatementRefusal=obj({"index": {"type": "integer", "minimum": 0},
                          "external_id": {"type": ["string", "null"]},
                          "field": {"type": "string"}, "message": {"type": "string"}}),
)

BATCH_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["statements"], "additionalProperties": False,
    "properties": {"statements": {"type": "array", "minItems": 1, "maxItems": MAX_BATCH,
                                  "items": ref("DeviceStatement")}}}}}}
REFUSED = {"description": "A statement of the batch was refused (a patient identifier, a "
                          "malformed field): nothing of the batch was stored. `errors` "
                          "lists each refusal with its position in the batch (other 422s: "
                          "a malformed batch, an Idempotency-Key reused).",
           "content": {"application/problem+json": {"schema": {"allOf": [
               ref("Problem"), obj({}, errors={"type": "array",
                                               "items": ref("StatementRefusal")})]}}}}
FILTERS = [
    {"name": "month", "in": "query", "required": False,
     "description": "The register's month (of the delivery), e.g. 2026-11.",
     "schema": {"type": "string", "pattern": MONTH_PATTERN}},
    {"name": "complete", "in": "query", "required": False,
     "description": "true: complete statements only; false: incomplete ones only.",
     "schema": {"type": "boolean"}},
]


def _language() -> str | None:
    """Accept-Language when the request sends one, else None (the member's language)."""
    if "Accept-Language" not in request.headers:
        return None
    return request.accept_languages.best_match(LANGUAGES)


def _member_locale():  # noqa: ANN202 - the context the statements' labels are made in
    if _language() is not None:
        return nullcontext()
    return force_locale(member_language(db.session.get(Member, current_member_id())))


@api_operation("POST", "/statements", scope=DEVICES, tag="statements",
               response=ref("StatementBatchResult"), parameters=[idempotency.PARAMETER],
               request_body=BATCH_BODY, extra_responses={"422": REFUSED},
               description="All or nothing: a refused statement (a patient's name or "
                           "national register number, a malformed field) refuses the "
                           "batch (422) and nothing is stored. A statement lacking an "
                           "element is stored as incomplete, with what is missing.",
               summary="Send device statements (Annex XIII), up to 500 per request")
def post_statements():
    return idempotency.once(current_token().id, "post_statements", _receive_batch)


def _payloads() -> list[Any]:
    body = request.get_json(silent=True)
    statements = body.get("statements") if isinstance(body, dict) else None
    if not isinstance(statements, list) or not 1 <= len(statements) <= MAX_BATCH:
        raise problem(422, _l("Invalid field"),
                      _l("Send a JSON object {\"statements\": [...]} with 1 to %(max)d "
                         "statements.", max=MAX_BATCH), kind="invalid-field",
                      field="statements")
    extra = sorted(set(body) - {"statements"})
    if extra:
        raise problem(422, _l("Invalid field"),
                      _l("Unknown field: %(field)s.", field=extra[0]), kind="invalid-field",
                      field=extra[0])
    return statements


def _receive(payloads: list[Any]) -> list[Received]:
    member = db.session.get(Member, current_member_id())
    return receive_statements(member, payloads, actor_label=current_token().label,
                              actor=current_user(), language=_language())


def _receive_batch() -> tuple[dict[str, Any], int]:
    payloads = _payloads()
    try:
        results = _receive(payloads)
    except IntegrityError:
        # Another request stored one of these external ids meanwhile (and committed):
        # run again, which now finds it and updates it or leaves it unchanged.
        db.session.rollback()
        results = _receive(payloads)
    _refuse_if_any(results)
    counts = {name: sum(1 for r in results if r.outcome == name)
              for name in ("created", "updated", "unchanged")}
    counts["incomplete"] = sum(1 for r in results if r.missing)
    return {"results": [received_json(r) for r in results], "counts": counts}, 200


def _refuse_if_any(results: list[Received]) -> None:
    errors = [{"index": index, "external_id": result.external_id, **error.as_dict()}
              for index, result in enumerate(results) if result.refused
              for error in result.errors]
    if not errors:
        return
    first = errors[0]
    raise problem(422, _l("Statement refused"),
                  _l("Statement %(index)d (%(external_id)s), field “%(field)s”: %(message)s "
                     "Nothing of this batch was stored; %(count)d refusal(s) in all.",
                     index=first["index"], external_id=first["external_id"] or "?",
                     field=first["field"], message=first["message"], count=len(errors)),
                  kind="refused", field=f"statements[{first['index']}].{first['field']}"
                  .rstrip("."), errors=errors[:100])


def _statements():
    return select(DeviceStatement).where(DeviceStatement.member_id == current_member_id())


def _flag(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise problem(400, _l("Bad request"), _l("%(name)s must be true or false.", name=name),
                      kind="bad-parameter")
    return raw == "true"


@api_operation("GET", "/statements", scope=READ, tag="statements",
               parameters=[*FILTERS, *paging.PARAMETERS],
               response=paging.page_schema(ref("DeviceStatementRead")),
               summary="The member's device statements, in the order received")
def list_statements():
    query = _statements()
    month = request.args.get("month")
    if month is not None:
        if not (len(month) == 7 and month[4] == "-" and month[:4].isdigit()
                and month[5:] in {f"{m:02d}" for m in range(1, 13)}):
            raise problem(400, _l("Bad request"), _l("month is written YYYY-MM."),
                          kind="bad-parameter")
        query = query.where(DeviceStatement.month == month)
    complete = _flag("complete")
    if complete is not None:
        query = query.where(DeviceStatement.complete.is_(complete))
    with _member_locale():
        return paging.page_of_query(query, DeviceStatement.id, statement_json)


@api_operation("GET", f"/statements/<{ID}:statement_id>", scope=READ, tag="statements",
               response=ref("DeviceStatementRead"),
               summary="One device statement, with what it lacks and its retention end")
def get_statement(statement_id: int):
    item = one_or_404(_statements().where(DeviceStatement.id == statement_id))
    with _member_locale():
        return statement_json(item)
