"""Load bench: simulated people using the real server at once, then a check that nothing
they were told was saved is missing.

gunicorn (4 workers by default) serves the application on PostgreSQL, in a schema of
its own made by the real migrations. Simulated users, each a thread with its own
cookies, log in, then for the given time: members open a chapter of their checklist and
save answers (as the page's script does, JSON) and now and then upload a file;
consultants open a chapter of a submitted assessment and save verdicts; staff open the
sector dashboard. Between two actions a person reads (a think time, 0.5 to 1.5 times
``--think`` seconds). Printed: throughput, p50 and p95 per kind of request, the 409s
(someone saved first: a right answer, not an error) and the 5xx. Then every write that
got a success answer is looked for in the database with its exact value, its audit
event and, for a file, the file with the right hash; the audit chain is verified.

Exit status 1 on a lost write, an error (5xx or no answer) or a save's p95 above the
target. See bench/README.md.

    .venv/bin/python bench/load.py                      # 50 users, 60 s
    .venv/bin/python bench/load.py --users 8 --seconds 5 # a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from statistics import quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_world import (  # noqa: E402
    PASSWORD,
    World,
    Write,
    bench_app,
    bench_environ,
    build_world,
    check_writes,
    recreate_schema,
    schema_url,
)
from compliance import PROJECT_ROOT  # noqa: E402

SAVES = ("save answer", "save verdict")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ANSWER_FORM = re.compile(r'action="/assessments/(\d+)/answers/(\d+)\?[^"]*">\s*'
                         r'<input type="hidden" name="csrf_token" value="([^"]+)">\s*'
                         r'<input type="hidden" name="revision" value="(\d+)">')
VERDICT_FORM = re.compile(r'action="/reviews/(\d+)/verdicts/(\d+)[^"]*">[\s\S]*?'
                          r'name="revision" value="(\d+)"')
STATUSES = ("compliant", "partial", "not_compliant")
VERDICTS = ("conform", "observation", "minor_nc", "major_nc")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None  # a 302 is the answer we time, not a page to fetch


@dataclass
class Recorder:
    """Every request: (kind, seconds taken, status); every acknowledged write."""

    timings: list[tuple[str, float, int]] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    start: float = 0.0
    deadline: float = 0.0


class Browser:
    """One person's browser: cookies, and timed requests."""

    def __init__(self, base: str, recorder: Recorder):
        self.base, self.recorder = base, recorder
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())

    def send(self, kind: str, path: str, data: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        except OSError:
            status, body = 0, b""  # no answer at all: counted as an error
        if kind:
            self.recorder.timings.append((kind, time.perf_counter() - started, status))
        return status, body

    def form(self, kind: str, path: str, fields: dict[str, str],
             json_answer: bool = False) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if json_answer:
            headers["Accept"] = "application/json"
        return self.send(kind, path, urllib.parse.urlencode(fields).encode(), headers)

    def login(self, email: str) -> None:
        _, page = self.send("", "/login")
        token = CSRF.search(page.decode()).group(1)
        status, _ = self.form("", "/login", {"csrf_token": token, "email": email,
                                             "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"{email} could not log in ({status})")


def think(seconds: float) -> None:
    time.sleep(seconds * random.uniform(0.5, 1.5))


def member(browser: Browser, email: str, facts: dict, pace: float) -> None:
    recorder, n = browser.recorder, 0
    while time.monotonic() < recorder.deadline:
        chapter = random.choice(facts["chapters"])
        _, page = browser.send("answers page",
                               f"/assessments/{facts['id']}/answers?chapter={chapter}")
        forms = ANSWER_FORM.findall(page.decode())
        for _ in range(random.randint(2, 4)):
            think(pace)
            if not forms or time.monotonic() >= recorder.deadline:
                break
            assessment_id, answer_id, token, revision = random.choice(forms)
            n += 1
            if n % 5 == 0:
                upload(browser, email, n, assessment_id, answer_id, token)
                continue
            values = {"status": random.choice(STATUSES), "comment": f"{email} #{n}"}
            status, body = browser.form(
                "save answer", f"/assessments/{assessment_id}/answers/{answer_id}",
                {"csrf_token": token, "revision": revision, **values}, json_answer=True)
            if status == 200 and json.loads(body)["saved"]:
                saved = json.loads(body)["revision"]
                recorder.writes.append(Write("answer", int(answer_id), values, saved))
                forms = [f if f[1] != answer_id else (*f[:3], str(saved)) for f in forms]
            elif status == 409:
                break  # someone of the workshop saved it first: read the page again


def upload(browser: Browser, email: str, n: int, assessment_id: str, answer_id: str,
           token: str) -> None:
    import hashlib

    content = f"Procedure {email} #{n} {random.random()}\n".encode()
    boundary = f"load-{random.getrandbits(64):x}"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"procedure-{n}.txt\"\r\nContent-Type: text/plain\r\n\r\n").encode() \
        + content + f"\r\n--{boundary}--\r\n".encode()
    status, _ = browser.send(
        "upload", f"/assessments/{assessment_id}/answers/{answer_id}/evidence", body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    if status == 302:
        browser.recorder.writes.append(Write(
            "upload", int(answer_id), {"sha256": hashlib.sha256(content).hexdigest()}))


def consultant(browser: Browser, email: str, assessments: list[dict], pace: float) -> None:
    recorder, n = browser.recorder, 0
    while time.monotonic() < recorder.deadline:
        facts = random.choice(assessments)
        chapter = random.choice(facts["chapters"])
        _, page = browser.send("review page", f"/reviews/{facts['id']}?chapter={chapter}")
        text = page.decode()
        token = CSRF.search(text).group(1)
        forms = VERDICT_FORM.findall(text)
        for _ in range(random.randint(2, 4)):
            think(pace)
            if not forms or time.monotonic() >= recorder.deadline:
                break
            assessment_id, answer_id, revision = random.choice(forms)
            n += 1
            values = {"verdict": random.choice(VERDICTS), "comment": f"{email} #{n}"}
            status, body = browser.form(
                "save verdict", f"/reviews/{assessment_id}/verdicts/{answer_id}",
                {"csrf_token": token, "revision": revision, **values}, json_answer=True)
            if status == 200 and json.loads(body)["saved"]:
                saved = json.loads(body)["revision"]
                recorder.writes.append(Write("verdict", int(answer_id), values, saved))
                forms = [f if f[1] != answer_id else (*f[:2], str(saved)) for f in forms]
            elif status == 409:
                break


def staff(browser: Browser, email: str, _facts: object, pace: float) -> None:
    while time.monotonic() < browser.recorder.deadline:
        browser.send("sector dashboard", "/dashboard/sector")
        think(pace * 3)  # a dashboard is read for a while


def run_users(base: str, world: World, seconds: float, pace: float) -> Recorder:
    recorder = Recorder()
    people = [(member, e, f) for e, f in world.members.items()] + \
        [(consultant, e, f) for e, f in world.consultants.items()] + \
        [(staff, e, None) for e in world.staff]
    browsers = []
    for _role, email, _facts in people:  # logging in is not part of the measure
        browser = Browser(base, recorder)
        browser.login(email)
        browsers.append(browser)
    recorder.start = time.monotonic()
    recorder.deadline = recorder.start + seconds
    threads = [threading.Thread(target=role, args=(browser, email, facts, pace), daemon=True)
               for (role, email, facts), browser in zip(people, browsers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return recorder


def report(recorder: Recorder, seconds: float, target_ms: float) -> tuple[int, bool]:
    by_kind: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for kind, taken, status in recorder.timings:
        by_kind[kind].append((taken * 1000, status))
    print(f"{'request':<18}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'409':>6}{'4xx':>6}{'5xx':>6}")
    errors, slow = 0, False
    for kind in sorted(by_kind):
        rows = by_kind[kind]
        times = sorted(t for t, _ in rows)
        p50, p95 = (quantiles(times, n=100)[i] for i in (49, 94)) if len(times) > 1 \
            else (times[0], times[0])
        statuses = [s for _, s in rows]
        failed = sum(1 for s in statuses if s >= 500 or s == 0)
        errors += failed
        slow |= kind in SAVES and p95 > target_ms
        print(f"{kind:<18}{len(rows):>7}{len(rows) / seconds:>8.1f}{p50:>9.0f}{p95:>9.0f}"
              f"{statuses.count(409):>6}"
              f"{sum(1 for s in statuses if 400 <= s < 500 and s != 409):>6}{failed:>6}")
    print(f"{'all':<18}{len(recorder.timings):>7}{len(recorder.timings) / seconds:>8.1f}")
    return errors, slow


def start_server(environ: dict[str, str], workers: int,
                 access_log: str | None = None) -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
         "--log-level", "warning", "wsgi:app",
         *(["--access-logfile", access_log, "--access-logformat", '%(m)s %(U)s %(s)s %(M)s']
           if access_log else [])],
        cwd=PROJECT_ROOT, env={**os.environ, **environ, "PYTHONPATH": str(PROJECT_ROOT)})
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(60)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a person reads between two actions")
    parser.add_argument("--target-ms", type=float, default=300,
                        help="the most a save's p95 may take")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or os.environ.get("TEST_DATABASE_URL"),
                        help="PostgreSQL (default: BENCH_DATABASE_URL, TEST_DATABASE_URL)")
    parser.add_argument("--access-log", metavar="FILE",
                        help="gunicorn's access log with each request's time on the server (ms)")
    parser.add_argument("--schema", default="bench_load",
                        help="the schema made (and dropped) for the run")
    options = parser.parse_args()
    if not (options.database_url or "").startswith("postgresql"):
        parser.error("a PostgreSQL --database-url is needed (or BENCH_DATABASE_URL)")
    return options


def main() -> int:
    options = arguments()
    staff_count = max(1, options.users // 10)
    consultants = max(1, options.users * 3 // 10)
    filling = max(1, (options.users - staff_count - consultants) // 2)
    url = schema_url(options.database_url, options.schema)
    recreate_schema(options.database_url, options.schema)
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        instance = Path(folder)
        app = bench_app(instance, url)
        started = time.monotonic()
        world = build_world(app, filling=filling, reviewed=max(2, consultants // 2),
                            consultants=consultants, staff=staff_count)
        print(f"{2 * filling} members in {filling} workshops, {consultants} consultants, "
              f"{staff_count} staff; the sector built in {time.monotonic() - started:.0f} s; "
              f"gunicorn -w {options.workers}, think time {options.think} s")
        server, base = start_server(bench_environ(instance, url), options.workers,
                                    options.access_log)
        try:
            recorder = run_users(base, world, options.seconds, options.think)
        finally:
            stop_server(server)
        errors, slow = report(recorder, options.seconds, options.target_ms)
        lost = check_writes(app, recorder.writes)
        for problem in lost[:20]:
            print(f"LOST: {problem}")
        print(f"writes acknowledged: {len(recorder.writes)}, lost: {len(lost)}, "
              f"errors (5xx or no answer): {errors}")
        with app.app_context():
            from compliance.extensions import db
            db.engine.dispose()
    recreate_schema(options.database_url, options.schema, drop_only=True)
    if slow:
        print(f"a save's p95 is above {options.target_ms:.0f} ms")
    return 1 if lost or errors or slow else 0


if __name__ == "__main__":
    sys.exit(main())
