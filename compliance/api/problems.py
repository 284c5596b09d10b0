"""Problem details (RFC 9457) an operation raises to refuse a request."""

from __future__ import annotations

from typing import Any

from flask import Response

from compliance.errors import problem_response

PROBLEM_BASE = "/api/v1/problems/"


class ApiProblem(Exception):
    """A refusal answered as problem details: ``problem(status, title, detail, **ext)``."""

    def __init__(self, status: int, title: object, detail: object = None, *,
                 kind: str | None = None, headers: dict[str, str] | None = None,
                 **extensions: Any):
        super().__init__(str(title))
        self.status, self.title, self.detail = status, title, detail
        self.kind, self.headers, self.extensions = kind, headers or {}, extensions

    def response(self) -> Response:
        type_ = PROBLEM_BASE + self.kind if self.kind else "about:blank"
        answer = problem_response(self.status, self.title, self.detail, type_, **self.extensions)
        answer.headers.update(self.headers)
        return answer


def problem(status: int, title: object, detail: object = None, **extensions: Any) -> ApiProblem:
    """``raise problem(422, _l("..."), detail, kind="invalid-field", field="title")``."""
    return ApiProblem(status, title, detail, **extensions)
