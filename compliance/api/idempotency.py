"""Idempotency-Key on writes: the first request with a key does the work and its answer
is kept with the key; a retry with the same key and the same content gets that answer
again (``Idempotent-Replayed: true``) and changes nothing; the same key with other
content is refused (422). Two requests with the same key at once: the database's unique
key lets one through; the other is answered like a retry. Answers are kept for
``KEPT`` (retries come within minutes): each new one removes its token's older ones."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from compliance.api.models import IdempotentRequest
from compliance.api.problems import problem
from compliance.db import utcnow
from compliance.extensions import db

HEADER = "Idempotency-Key"
KEY_LENGTH = 200
KEPT = timedelta(days=7)
PARAMETER = {"name": HEADER, "in": "header", "required": False,
             "description": "A unique key per logical request (a UUID): a retry with the same "
                            "key and content changes nothing and gets the first answer again.",
             "schema": {"type": "string", "minLength": 1, "maxLength": KEY_LENGTH}}


def fingerprint() -> str:
    """What the request sends, whatever order multipart parts came in."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    for name, value in sorted(request.form.items(multi=True), key=lambda i: (str(i[0]), i[1])):
        digest.update(f"f:{name!r}={value!r}\n".encode())
    parts = []
    for name, upload in request.files.items(multi=True):
        content = hashlib.sha256()
        while chunk := upload.stream.read(65536):
            content.update(chunk)
        upload.stream.seek(0)
        parts.append(f"u:{name!r}={upload.filename!r}:{content.hexdigest()}\n")
    for part in sorted(parts):
        digest.update(part.encode())
    if not request.form and not request.files:
        digest.update(request.get_data())
    return digest.hexdigest()


def _replay(record: IdempotentRequest, print_: str) -> Response:
    if record.fingerprint != print_:
        raise problem(422, _l("Idempotency key reused"),
                      _l("This Idempotency-Key was already used for a different request. "
                         "Nothing was changed: use a new key for a new request."),
                      kind="idempotency-key-reused")
    response = jsonify(record.body)
    response.status_code = record.status
    response.headers["Idempotent-Replayed"] = "true"
    response.headers["Cache-Control"] = "no-store"
    return response


def _stored(token_id: int, key: str) -> IdempotentRequest | None:
    return db.session.scalar(select(IdempotentRequest).where(
        IdempotentRequest.token_id == token_id, IdempotentRequest.key == key))


def once(token_id: int, operation: str, work: Callable[[], tuple[dict[str, Any], int]]
         ) -> Response | tuple[dict[str, Any], int]:
    """Run ``work`` once per Idempotency-Key (no key: every time)."""
    key = request.headers.get(HEADER)
    if key is None:
        return work()
    key = key.strip()
    if not key or len(key) > KEY_LENGTH:
        raise problem(400, _l("Bad request"),
                      _l("An Idempotency-Key has 1 to %(max)d characters.", max=KEY_LENGTH),
                      kind="bad-parameter")
    print_ = fingerprint()
    found = _stored(token_id, key)
    if found is not None:
        return _replay(found, print_)
    body, status = work()
    try:
        db.session.execute(delete(IdempotentRequest).where(
            IdempotentRequest.token_id == token_id,
            IdempotentRequest.created_at < utcnow() - KEPT))
        db.session.add(IdempotentRequest(token_id=token_id, key=key, operation=operation,
                                         fingerprint=print_, status=status, body=body))
        db.session.flush()
    except IntegrityError:  # the same key committed meanwhile: this request's work is undone
        db.session.rollback()
        found = _stored(token_id, key)
        if found is None:
            raise
        return _replay(found, print_)
    return body, status
