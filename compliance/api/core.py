"""The API's framework: the operations' registry (which is also the OpenAPI document's
source), token authentication with scopes and a rate limit, problem details, and the
way an operation's answer is made (JSON with an ETag on reads; one commit, or a
rollback and a problem, on writes).

An operation is a function decorated with :func:`api_operation`; it returns the JSON
body (a dict, or a :class:`~compliance.api.paging.Page`), or ``(body, status)``. It may
raise :class:`ApiProblem`, ``DomainError`` (answered 422, ``Conflict`` 409) or abort(404).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Response, current_app, g, jsonify, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from compliance.api import bp
from compliance.api.paging import Page, page_body
from compliance.api.problems import ApiProblem, problem  # noqa: F401  the operations use them
from compliance.audit import acting_through
from compliance.errors import (
    CONFLICT,
    CONFLICT_TEXT,
    Conflict,
    DomainError,
    database_fault,
)
from compliance.extensions import db
from compliance.i18n import LANGUAGES
from compliance.tokens.models import SCOPES, ApiToken
from compliance.tokens.services import count_request, token_for

# --- the registry ---------------------------------------------------------------------------

@dataclass
class Operation:
    method: str
    rule: str  # the Flask rule, under /api/v1
    operation_id: str
    scope: str | None  # None: public (the document itself)
    summary: str
    tag: str
    description: str = ""
    parameters: list[dict[str, Any]] = field(default_factory=list)
    request_body: dict[str, Any] | None = None
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The rule as an OpenAPI path: /assessments/{assessment_id}."""
        return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", self.rule)


#: Every operation, in the order declared; the OpenAPI document is built from it.
OPERATIONS: list[Operation] = []
#: Named JSON schemas (components/schemas); an operation refers to them by name.
SCHEMAS: dict[str, dict[str, Any]] = {}
#: An identifier in a path: a positive 32-bit integer (a larger one is simply not found).
ID = "int(min=1, max=2147483647)"


def schemas(**named: dict[str, Any]) -> None:
    SCHEMAS.update(named)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}
             if kind.startswith("int") else {"type": "string"}}
            for kind, name in re.findall(r"<([a-z]+(?:\([^)]*\))?):([a-z_]+)>", rule)]


def api_operation(method: str, rule: str, *, scope: str | None, summary: str, tag: str,
                  response: dict[str, Any] | None = None, status: int = 200,
                  parameters: list[dict[str, Any]] | None = None,
                  request_body: dict[str, Any] | None = None, description: str = "",
                  extra_responses: dict[str, dict[str, Any]] | None = None) -> Callable:
    """Declare an operation: its route, its scope and its part of the OpenAPI document."""
    assert scope is None or scope in SCOPES, scope

    def decorate(view: Callable) -> Callable:
        responses: dict[str, dict[str, Any]] = {str(status): {
            "description": summary,
            **({"content": {"application/json": {"schema": response}}} if response else {})}}
        if method == "GET":
            responses["304"] = {"description": "Not modified (If-None-Match matched the ETag)"}
        responses.update(extra_responses or {})
        responses["default"] = {"$ref": "#/components/responses/Problem"}
        OPERATIONS.append(Operation(
            method, rule, view.__name__, scope, summary, tag, description,
            _path_parameters(rule) + list(parameters or []), request_body, responses))

        @wraps(view)
        def wrapped(**kwargs: Any) -> Response:
            with ExitStack() as stack:  # the problem is written in the request's language
                try:
                    if scope is not None:
                        _authenticate(scope, stack)
                    if method in ("GET", "HEAD"):
                        return _read(view(**kwargs))
                    return _write(view, kwargs, status)
                except ApiProblem as refused:
                    db.session.rollback()
                    return refused.response()

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapped, methods=[method])
        return wrapped

    return decorate


# --- authentication ---------------------------------------------------------------------------

def _authenticate(scope: str, stack: ExitStack) -> ApiToken:
    """The request's token, checked and counted; the rest of the request speaks its
    maker's language (unless the request asks for one) and names it in audit events."""
    header = request.headers.get("Authorization", "")
    kind, _, secret = header.partition(" ")
    token = token_for(secret.strip()) if kind.lower() == "bearer" else None
    if token is None:
        raise ApiProblem(401, _l("Not authenticated"),
                         _l("Send a valid API token: Authorization: Bearer <token>. A revoked "
                            "token no longer works."), kind="unauthenticated",
                         headers={"WWW-Authenticate": 'Bearer realm="api"'})
    counted = count_request(token, int(current_app.config["API_RATE_LIMIT"]))
    db.session.commit()  # the count and the last use stand whatever the request does
    if not counted.allowed:
        raise ApiProblem(429, _l("Too many requests"),
                         _l("This token made more than %(limit)d requests this minute. Try "
                            "again in %(seconds)d seconds.",
                            limit=current_app.config["API_RATE_LIMIT"],
                            seconds=counted.retry_after),
                         kind="rate-limited", headers={"Retry-After": str(counted.retry_after)})
    if scope not in token.scopes:
        raise ApiProblem(403, _l("Scope missing"),
                         _l("This token does not have the scope “%(scope)s” this operation "
                            "needs.", scope=scope), kind="scope-missing", scope=scope)
    g.api_token = token
    g.api_user = token.created_by
    language = token.created_by.locale
    if "Accept-Language" not in request.headers and language in LANGUAGES:
        stack.enter_context(force_locale(language))
    stack.enter_context(acting_through({"token_id": token.id, "token": token.label}))
    return token


def current_token() -> ApiToken:
    return g.api_token


def current_user():  # noqa: ANN201 - the User the token acts as (its maker)
    return g.api_user


def current_member_id() -> int:
    return g.api_token.member_id


def not_found() -> ApiProblem:
    """Another member's object, or none: the same answer (existence is not revealed)."""
    return ApiProblem(404, _l("Not found"),
                      _l("There is nothing here, or it is not yours to see."), kind="not-found")


def one_or_404(query: Any) -> Any:
    """The one object the query (already limited to the token's member) finds, or the
    404 problem."""
    item = db.session.scalar(query)
    if item is None:
        raise not_found()
    return item


# --- answers ----------------------------------------------------------------------------------

IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
            "description": "The ETag of the object as last read: the change is refused (412) "
                           "if the object changed since.",
            "schema": {"type": "string", "maxLength": 200}}


def etag_of(body: Any) -> str:
    """The ETag a read of ``body`` carries (without quotes)."""
    response = jsonify(body)
    response.add_etag()
    return response.get_etag()[0]


def require_unchanged(body: Any) -> None:
    """Refuse a write sent with an If-Match that no longer matches the object as it
    reads now: someone changed it since the client read it."""
    if "If-Match" not in request.headers:
        return
    current = etag_of(body)
    if not request.if_match.star_tag and not any(
            tag == current or tag.startswith(current + ":")
            for tag in request.if_match.as_set()):
        raise ApiProblem(412, _l("Changed meanwhile"),
                         _l("This object changed since you read it (If-Match). Nothing was "
                            "changed: read it again and retry."), kind="changed-meanwhile")

def _read(result: Any) -> Response:
    """JSON with an ETag; 304 when the client's If-None-Match matches it."""
    body = page_body(result) if isinstance(result, Page) else result
    response = jsonify(body)
    if isinstance(result, Page) and result.next_url:
        response.headers["Link"] = f'<{result.next_url}>; rel="next"'
    response.add_etag()
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Authorization, Accept-Language"
    etag = response.get_etag()[0]
    # A compressed answer's ETag comes back as "<etag>:gzip" (Flask-Compress adds the
    # suffix): the same content, so the same validator.
    matched = [tag for tag in request.if_none_match.as_set()
               if tag == etag or tag.startswith(etag + ":")]
    if matched or request.if_none_match.star_tag:
        unchanged = Response(status=304)
        unchanged.set_etag(matched[0] if matched else etag)
        for header in ("Cache-Control", "Vary"):
            unchanged.headers[header] = response.headers[header]
        return unchanged
    return response


def _write(view: Callable, kwargs: dict[str, Any], status: int) -> Response:
    """One change, one commit; a broken rule is a 422 problem, a race a 409, and
    nothing is kept of either."""
    try:
        result = view(**kwargs)
        db.session.flush()
    except Conflict as exc:
        raise ApiProblem(409, _l("Conflict"), exc.message, kind="conflict") from None
    except DomainError as exc:
        raise ApiProblem(422, _l("Refused"), exc.message, kind="refused") from None
    except (StaleDataError, IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and database_fault(exc) != CONFLICT:
            raise
        raise ApiProblem(409, _l("Conflict"), CONFLICT_TEXT, kind="conflict") from None
    if isinstance(result, Response):  # made by the operation (a replayed answer...)
        db.session.commit()
        return result
    body, code = result if isinstance(result, tuple) else (result, status)
    db.session.commit()
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
