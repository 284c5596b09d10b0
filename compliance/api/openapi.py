"""The OpenAPI 3.1 document, assembled from the registry of operations (core.py), served
as JSON, and a page for people that lists the same operations (no script needed)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import jsonify, render_template, url_for

from compliance.api import bp
from compliance.api.core import OPERATIONS, SCHEMAS, Operation, ref
from compliance.tokens.models import SCOPES

VERSION = "1.0.0"
DESCRIPTION = (
    "The API of the MDR compliance tracker for the practice software of the member "
    "workshops. Authenticate with a token made by a member manager (page “API tokens”): "
    "`Authorization: Bearer <token>`. Every object is the token's member's; another's is a "
    "404. Errors are problem details (RFC 9457). Lists are paginated (`limit`, `cursor`, "
    "a `Link: rel=\"next\"` header); reads carry an ETag (send `If-None-Match` to get a "
    "304). Writes accept an `Idempotency-Key`. Requests are limited per token and minute "
    "(429 with `Retry-After`). A change that breaks a client comes as /api/v2.")


def _operation(op: Operation) -> dict[str, Any]:
    item: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary,
                            "tags": [op.tag], "responses": op.responses}
    if op.description:
        item["description"] = op.description
    if op.parameters:
        item["parameters"] = op.parameters
    if op.request_body:
        item["requestBody"] = op.request_body
    if op.scope is None:
        item["security"] = []
    else:
        item["security"] = [{"token": []}]
        item["x-scope"] = op.scope
        item["description"] = (op.description + "\n\n" if op.description else "") + \
            f"Scope: `{op.scope}`."
    return item


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = defaultdict(dict)
    for op in OPERATIONS:
        paths[op.path][op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "MDR compliance API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "tags": [{"name": t} for t in dict.fromkeys(op.tag for op in OPERATIONS)],
        "paths": dict(paths),
        "components": {
            "securitySchemes": {"token": {
                "type": "http", "scheme": "bearer",
                "description": "An API token; scopes: " + ", ".join(SCOPES) + "."}},
            "schemas": dict(SCHEMAS),
            "responses": {"Problem": {
                "description": "A problem (RFC 9457): 400, 401, 403, 404, 409, 413, 422, "
                               "429 (with Retry-After), 503",
                "content": {"application/problem+json": {"schema": ref("Problem")}}}},
        },
    }


@bp.route("/openapi.json")
def openapi_json():
    response = jsonify(document())
    response.add_etag()
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/reference")
def reference():
    """The same document for people: each operation, its scope, parameters, answers."""
    spec = document()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path, methods in spec["paths"].items():
        for method, item in methods.items():
            groups[item["tags"][0]].append({"method": method.upper(), "path": path, **item})
    return render_template("api/reference.html", spec=spec, groups=dict(groups),
                           schemas=spec["components"]["schemas"],
                           json_url=url_for("api.openapi_json"))
