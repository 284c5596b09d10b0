"""Watching the application: one JSON log line per request, an X-Request-ID on every
answer, security events in the same log, and a Prometheus text endpoint (/metrics).

Request lines hold the method, the route's pattern (``/evidence/<int:evidence_id>/download``,
never the path or its query string), the status, the duration, the request id and the
user's id: no names, e-mail addresses or parameters. Security events (``security``) add
only what names no one: the user's id, the kind of token used.

Metrics are counted per process; each web worker writes its counts to
``<instance>/metrics/<pid>.json`` at most once a second, and /metrics adds up every
worker's file, so a scrape that reaches any worker sees them all. Features add their own
lines with :func:`collector` (the reminder passes, from the database). /metrics answers a
request bearing ``Authorization: Bearer <METRICS_TOKEN>``, or, without that setting, one
from this machine (127.0.0.1, ::1) only.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, g, request

access_log = logging.getLogger("compliance.access")
security_log = logging.getLogger("compliance.security")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
WRITE_EVERY = 1.0  # seconds between two writes of a worker's counts
Collector = Callable[[], list[str]]
_collectors: list[Collector] = []


def collector(function: Collector) -> Collector:
    """Register a function returning lines of Prometheus text to add to /metrics."""
    _collectors.append(function)
    return function


def request_id() -> str | None:
    return g.get("request_id")


def security_event(event: str, *, user_id: int | None = None, **fields: Any) -> None:
    """A security event as one JSON line: what happened, to which account id."""
    record = {"event": event, "request_id": request_id(), "user_id": user_id, **fields}
    security_log.info(json.dumps(record, default=str))
    _counts.add(f'compliance_security_events_total{{event="{event}"}}', 1)


class Counts:
    """This process's counters: Prometheus sample name (with labels) → value."""

    def __init__(self):
        self.values: dict[str, float] = {}
        self.lock = threading.Lock()
        self.written = 0.0

    def add(self, sample: str, amount: float) -> None:
        with self.lock:
            self.values[sample] = self.values.get(sample, 0) + amount

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        labels = f'route="{route}",method="{method}"'
        with self.lock:
            values = self.values
            key = f'compliance_http_requests_total{{{labels},status="{status}"}}'
            values[key] = values.get(key, 0) + 1
            for bound in (*BUCKETS, "+Inf"):
                if bound == "+Inf" or seconds <= bound:
                    key = (f"compliance_http_request_duration_seconds_bucket"
                           f'{{{labels},le="{bound}"}}')
                    values[key] = values.get(key, 0) + 1
            key = f"compliance_http_request_duration_seconds_sum{{{labels}}}"
            values[key] = values.get(key, 0) + seconds
            key = f"compliance_http_request_duration_seconds_count{{{labels}}}"
            values[key] = values.get(key, 0) + 1

    def write(self, folder: Path, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.written < WRITE_EVERY:
            return
        self.written = now
        with self.lock:
            data = json.dumps(self.values)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{os.getpid()}.json"
        temporary = folder / f".{os.getpid()}.tmp"
        temporary.write_text(data)
        os.replace(temporary, target)


_counts = Counts()


def metrics_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "metrics"


def init_app(app: Flask) -> None:
    if not app.testing and not access_log.handlers:
        for logger in (access_log, security_log):
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)

    @app.before_request
    def start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        started = g.get("request_started")
        if started is None:
            return response
        seconds = time.perf_counter() - started
        route = request.url_rule.rule if request.url_rule is not None else "(no route)"
        response.headers["X-Request-ID"] = g.request_id
        access_log.info(json.dumps({
            "event": "request", "request_id": g.request_id, "method": request.method,
            "route": route, "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1), "user_id": _user_id()}))
        _counts.observe(route, request.method, response.status_code, seconds)
        _counts.write(metrics_folder(app))
        return response

    app.add_url_rule("/metrics", "metrics", lambda: metrics(app))


def _user_id() -> int | None:
    user = g.get("_login_user")
    return getattr(user, "id", None) if user is not None else None


def allowed(app: Flask) -> bool:
    token = app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    # Without a token: from this machine, and not through a proxy (whose own address is
    # this machine's when TRUSTED_PROXIES is not set).
    return request.remote_addr in ("127.0.0.1", "::1") and \
        "X-Forwarded-For" not in request.headers


def metrics(app: Flask) -> Response:
    if not allowed(app):
        abort(404)
    _counts.write(metrics_folder(app), force=True)
    lines = [f"{sample} {value:g}" for sample, value in sorted(totals(app).items())]
    for function in _collectors:
        lines.extend(function())
    lines.extend(_pool_lines())
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4",
                    headers={"Cache-Control": "no-store"})


def totals(app: Flask) -> dict[str, float]:
    """Every worker's counts added up (each file is a worker's cumulative counts)."""
    summed: dict[str, float] = {}
    for path in metrics_folder(app).glob("*.json"):
        try:
            values = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for sample, value in values.items():
            summed[sample] = summed.get(sample, 0) + value
    return summed


def _pool_lines() -> list[str]:
    """This worker's connection pool (the worker that answered the scrape)."""
    from compliance.extensions import db

    pool = db.engine.pool
    lines = []
    for name, method in (("size", "size"), ("checked_out", "checkedout"),
                         ("overflow", "overflow")):
        if hasattr(pool, method):
            lines.append(f'compliance_db_pool_{name}{{pid="{os.getpid()}"}} '
                         f"{getattr(pool, method)()}")
    return lines
