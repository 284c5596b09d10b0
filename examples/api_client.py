#!/usr/bin/env python3
"""A client of the MDR compliance API that a practice-software vendor can start from.

Python standard library only. It authenticates with a token made by a member manager
(page "API tokens"), reads the workshop's profile and deadlines (following the pages),
uploads an evidence file with the requirements it supports, and sends device
statements (Annex XIII), each write with an Idempotency-Key so that a retry after a
network failure never does anything twice. Answers 429 are
waited out (Retry-After); errors are problem details (RFC 9457), shown as they come.

    python examples/api_client.py --url http://127.0.0.1:5000 --token mdr_... \\
        --upload prrc-letter.pdf --title "PRRC designation" --requirement ORG-01 \\
        --statements

The token can also come from the environment: COMPLIANCE_API_TOKEN.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date
from pathlib import Path
from typing import Any


class ApiError(Exception):
    """A problem (RFC 9457) answered by the API."""

    def __init__(self, status: int, problem: dict[str, Any]):
        self.status, self.problem = status, problem
        super().__init__(f"{status} {problem.get('title')}: {problem.get('detail', '')}")


class Client:
    """A token-authenticated session: every request carries the token; 429 is retried
    after the time the API asks; an ETag seen once is sent back (If-None-Match) so an
    unchanged answer costs a 304."""

    def __init__(self, url: str, token: str, *, language: str | None = None,
                 retries: int = 3):
        self.base = url.rstrip("/") + "/api/v1"
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if language:
            self.headers["Accept-Language"] = language
        self.retries = retries
        self._cache: dict[str, tuple[str, Any]] = {}  # url → (etag, body)
        self.last_status = 0  # of the last exchange (304 when answered from the copy)

    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        url = path if path.startswith("http") else self.base + path
        sent = {**self.headers, **(headers or {})}
        cached = self._cache.get(url) if method == "GET" else None
        if cached:
            sent["If-None-Match"] = cached[0]
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(urllib.request.Request(
                        url, data=body, method=method, headers=sent), timeout=60) as answer:
                    data = json.loads(answer.read() or b"null")
                    if method == "GET" and answer.headers.get("ETag"):
                        self._cache[url] = (answer.headers["ETag"], data)
                    self.last_status = answer.status
                    return answer.status, data
            except urllib.error.HTTPError as error:
                if error.code == 304 and cached:
                    self.last_status = 304  # unchanged: the copy kept is still right
                    return 200, cached[1]
                if error.code == 429 and attempt < self.retries:
                    time.sleep(int(error.headers.get("Retry-After", "1")))
                    continue
                raise ApiError(error.code, _problem(error)) from None
        raise AssertionError("unreachable")

    def get(self, path: str) -> Any:
        return self.request("GET", path)[1]

    def all_pages(self, path: str) -> list[Any]:
        """Every item of a paginated list, following next_cursor."""
        items, separator = [], "&" if "?" in path else "?"
        page = self.get(path)
        while True:
            items += page["items"]
            if not page["next_cursor"]:
                return items
            cursor = urllib.parse.quote(page["next_cursor"])
            page = self.get(f"{path}{separator}cursor={cursor}")

    def upload_evidence(self, path: Path, *, title: str = "", requirements: list[str] = (),
                        document_date: str | None = None,
                        idempotency_key: str | None = None) -> tuple[int, dict[str, Any]]:
        """201: stored; 200: the workshop already had this file (not stored twice). The
        same idempotency key may be sent again after a failure: nothing is done twice."""
        fields = [("title", title), *[("requirements", key) for key in requirements]]
        if document_date:
            fields.append(("document_date", document_date))
        body, content_type = multipart(fields, [("file", path)])
        return self.request("POST", "/evidence", body=body, headers={
            "Content-Type": content_type,
            "Idempotency-Key": idempotency_key or str(uuid.uuid4())})

    def complete_action(self, action_id: int, closure_note: str,
                        proof: list[Path] = ()) -> dict[str, Any]:
        body, content_type = multipart([("closure_note", closure_note)],
                                       [("file", p) for p in proof])
        return self.request("POST", f"/actions/{action_id}/done", body=body, headers={
            "Content-Type": content_type, "Idempotency-Key": str(uuid.uuid4())})[1]

    # --- device statements -------------------------------------------------------------------
    def post_statements(self, statements: list[dict[str, Any]], *,
                        idempotency_key: str | None = None) -> dict[str, Any]:
        """Send up to 500 statements (Annex XIII §1). Each is kept under its external_id:
        sending it again updates it. One refused (a patient identifier, a malformed
        field) refuses the batch: ApiError 422 whose problem lists ``errors``."""
        body = json.dumps({"statements": statements}).encode()
        return self.request("POST", "/statements", body=body, headers={
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key or str(uuid.uuid4())})[1]


def demo_statements(today: date | None = None) -> list[dict[str, Any]]:
    """Two statements as a practice program would send them: the first complete, the
    second without its specific characteristics (kept as incomplete)."""
    day = (today or date.today()).isoformat()
    workshop = {"name": "Atelier Orthopédique A", "address": "Rue Haute 1, 1000 Bruxelles"}
    complete = {
        "external_id": f"EX-{day}-1", "manufacturer": workshop,
        "manufacturing_sites": [workshop], "authorised_representative": None,
        "device": {"description": "Ankle-foot orthosis, polypropylene",
                   "identifier": f"SN-{day}-1", "family": "orthosis", "class": "I",
                   "implantable": False},
        "patient_code": "PT-00017",
        "prescriber": {"name": "Dr. A. Claes", "qualification": "Physical medicine",
                       "health_institution": None},
        "characteristics": "Dorsal flexion stop at 5 degrees, cast of the left leg",
        "gspr": {"conforms": True, "not_fully_met": []},
        "medicinal_substance": False, "tissues_or_cells": False,
        "delivery_date": day, "handover_date": day, "patient_language": "fr"}
    incomplete = {**complete, "external_id": f"EX-{day}-2", "patient_code": "PT-00018",
                  "device": {**complete["device"], "identifier": f"SN-{day}-2"}}
    del incomplete["characteristics"]
    return [complete, incomplete]


def _problem(error: urllib.error.HTTPError) -> dict[str, Any]:
    try:
        return json.loads(error.read())
    except ValueError:
        return {"title": error.reason, "status": error.code}


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, Path]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, path in files:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{path.name}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
                     + path.read_bytes() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def send_statements(client: Client, source: str) -> None:
    statements = demo_statements() if source == "demo" else \
        json.loads(Path(source).read_text(encoding="utf-8"))
    answer = client.post_statements(statements)
    for result in answer["results"]:
        state = "complete" if result["complete"] else "incomplete, missing: " + "; ".join(
            m["message"] for m in result["missing"])
        print(f"Statement {result['external_id']} {result['outcome']} ({state})")
    counts = answer["counts"]
    print(f"Statements: {counts['created']} created, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged, {counts['incomplete']} incomplete")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--token", default=os.environ.get("COMPLIANCE_API_TOKEN"))
    parser.add_argument("--language", choices=("fr", "nl", "en"))
    parser.add_argument("--upload", type=Path, help="an evidence file to send")
    parser.add_argument("--title", default="")
    parser.add_argument("--requirement", action="append", default=[],
                        help="a requirement key the file supports (repeat for several)")
    parser.add_argument("--statements", nargs="?", const="demo", metavar="FILE.json",
                        help="send device statements: a JSON list from FILE, or without "
                             "FILE two demo statements (one incomplete)")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give --token or set COMPLIANCE_API_TOKEN")
    client = Client(args.url, args.token, language=args.language)
    try:
        member = client.get("/member")
        print(f"Workshop {member['code']} — {member['name']}")
        for deadline in client.all_pages("/deadlines?limit=50"):
            flag = " (overdue)" if deadline["overdue"] else ""
            print(f"  {deadline['due']}  {deadline['kind']:<16} {deadline['subject']}{flag}")
        if args.upload:
            status, evidence = client.upload_evidence(args.upload, title=args.title,
                                                      requirements=args.requirement)
            verb = "stored" if status == 201 else "already there, reused"
            print(f"Evidence {evidence['id']} {verb}: {evidence['title']} "
                  f"supports {', '.join(evidence['supports']) or 'no requirement yet'}")
        if args.statements:
            send_statements(client, args.statements)
    except ApiError as error:
        print(f"error: {error}", file=sys.stderr)
        for refusal in error.problem.get("errors", []):
            print(f"  statement {refusal['index']} ({refusal['external_id']}), "
                  f"{refusal['field']}: {refusal['message']}", file=sys.stderr)
        return 1
    except urllib.error.URLError as error:
        print(f"error: cannot reach {args.url}: {error.reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
