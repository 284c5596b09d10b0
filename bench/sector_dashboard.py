"""How fast is the sector dashboard for a whole sector, compared with rendering it from memory?

Builds an app on a temporary SQLite file, generates a synthetic sector with
``bench.sector_data.generate_sector`` (default 1,000 members × the shipped manual's 152
requirements: about 150,000 answers, 38,000 verdicts, 7,000 corrective actions), creates
a staff user and logs in through the real form. Then, after warm-ups, times through the
Flask test client, interleaved:

- ``GET /dashboard/sector`` (the target: median ≤ 300 ms, the issue's "the sector
  dashboard for 1,000 members × 150 requirements answers within 300 ms on SQLite");
- ``GET /dashboard/sector.csv`` (the member table as CSV);
- ``GET /dashboard/sector?region=wallonia`` (a filtered picture);
- ``sector_picture(...)`` alone, called in a request context (the database work and the
  Python that assembles the picture, without the template);
- the baseline: ``dashboard/sector.html`` rendered in a request context from the picture
  the real view computed, loaded beforehand and detached from the database (the notices
  badge, a query in the real page, is passed in as the value it had), so no SQL runs.

It prints the SQL query count of each request, the time from each query of one page
request to the next (where the time goes), the median and p90 of each in ms, and the
ratio page/baseline; it exits with status 1 when the median of ``GET /dashboard/sector``
is above the target. It takes about a minute for 1,000 members (about 10 s of it
generating the data).

    .venv/bin/python bench/sector_dashboard.py
    .venv/bin/python bench/sector_dashboard.py --members 300 --iterations 40 --target-ms 200
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template
from flask_login import login_user
from sqlalchemy import event, func, inspect, select

from bench.harness import build_app, rendered_context
from bench.sector_data import generate_sector, summary
from compliance.assessments.models import Assessment
from compliance.auth.models import User
from compliance.campaigns.models import Campaign
from compliance.dashboard.sector import sector_picture
from compliance.extensions import db
from compliance.members.models import Member
from compliance.users.services import create_user

TEMPLATE = "dashboard/sector.html"
EMAIL = "staff@bench.example"
PASSWORD = "bench password 2026"
WARM_UPS = 3
TARGET_MS = 300.0
PAGE = "/dashboard/sector"
CSV = "/dashboard/sector.csv"
FILTERED = "/dashboard/sector?region=wallonia"
VIEW_VARIABLES = ("picture", "campaigns", "region", "activity", "today", "names")
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def fill(app, members: int) -> tuple[int, dict[str, int], float]:
    """The synthetic sector and a staff user; returns the campaign id, the row counts and
    the seconds the generator took."""
    with app.app_context():
        started = time.perf_counter()
        campaign_id = generate_sector(members)
        seconds = time.perf_counter() - started
        create_user(email=EMAIL, name="Bench Staff", role="staff", password=PASSWORD,
                    locale="en")
        db.session.commit()
        return campaign_id, summary(), seconds


def log_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": EMAIL,
                                           "password": PASSWORD})
    assert response.status_code == 302, "could not log in"


class QueryLog:
    """Every SQL statement sent while listening, and when it started.

    ``spans()``: the time from each statement to the next one (or to the end of the
    block): its SQL, fetching its rows and the Python that handles them. Timing the
    execute call alone would mislead on SQLite, which computes most rows as they are
    fetched.
    """

    def __init__(self, app) -> None:
        with app.app_context():
            self.engine = db.engine
        self.entries: list[tuple[float, str]] = []
        self.ended = 0.0

    def _before(self, conn, cursor, statement, *args: Any) -> None:  # noqa: ANN001
        self.entries.append((time.perf_counter(), statement))

    def __enter__(self) -> QueryLog:
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc: object) -> None:
        self.ended = time.perf_counter()
        event.remove(self.engine, "before_cursor_execute", self._before)

    def spans(self) -> list[tuple[float, str]]:
        ends = [start for start, _ in self.entries[1:]] + [self.ended]
        return [(end - start, statement)
                for (start, statement), end in zip(self.entries, ends, strict=True)]


def capture_context(app, client, url: str) -> tuple[dict[str, Any], User, str, int]:
    """What the real view hands to the template, detached once the request's session
    closes; and the notices count the page showed (its one query of its own)."""
    context, html = rendered_context(app, client, url, TEMPLATE)
    user = context["current_user"]
    assert isinstance(user, User) and user.email == EMAIL
    picture = context["picture"]
    assert inspect(user).detached and inspect(picture.campaign).detached
    with app.test_request_context(url):
        login_user(user)
        unread = context["unread_notices"]()
    return {name: context[name] for name in VIEW_VARIABLES}, user, html, unread


def timings(runs: dict[str, Callable[[], object]], iterations: int) -> dict[str, list[float]]:
    """Milliseconds of each run; interleaved, so a busy machine slows all alike."""
    for _ in range(WARM_UPS):
        for run in runs.values():
            run()
    gc.collect()
    spent: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(iterations):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            spent[name].append(1000 * (time.perf_counter() - start))
    return spent


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--target-ms", type=float, default=TARGET_MS,
                        help=f"highest acceptable median of GET {PAGE} (default {TARGET_MS:.0f})")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        app = build_app(Path(tmp))
        campaign_id, counts, generated = fill(app, options.members)
        print(f"data: {generated:.1f} s to generate {options.members} members "
              f"({', '.join(f'{n} {table}' for table, n in counts.items())})")
        client = app.test_client()
        log_in(client)

        def get(url: str) -> Callable[[], bytes]:
            def run() -> bytes:
                response = client.get(url)
                assert response.status_code == 200, url
                return response.get_data()
            return run

        urls = {"page": PAGE, "csv": CSV, "filtered": FILTERED}
        queries: dict[str, QueryLog] = {}
        for name, url in urls.items():
            get(url)()  # templates compiled, translations loaded
            with QueryLog(app) as log:
                body = get(url)()
            queries[name] = log
            if name == "csv":
                assert body.decode("utf-8-sig").count("\n") == options.members + 1
        context, user, html, unread = capture_context(app, client, PAGE)
        with app.app_context():
            assert len(context["picture"].rows) == options.members == \
                db.session.scalar(select(func.count()).select_from(Assessment))
            assert db.session.scalar(select(func.count()).select_from(Member)) == \
                options.members

        def baseline() -> str:
            with app.test_request_context(PAGE):
                login_user(user)
                return render_template(TEMPLATE, unread_notices=lambda: unread, **context)

        with QueryLog(app) as log:
            from_memory = baseline()
        assert not log.entries, "the baseline reached the database"
        assert CSRF.sub("", from_memory) == CSRF.sub("", html), \
            "the baseline does not render the same page"

        def picture() -> object:
            with app.test_request_context(PAGE):
                campaign = db.session.get(Campaign, campaign_id)
                return sector_picture(campaign, member_ids=None, region=None, activity=None,
                                      today=date.today())

        measured = timings({"page": get(PAGE), "csv": get(CSV), "filtered": get(FILTERED),
                            "picture": picture, "baseline": baseline}, options.iterations)

    labels = {"page": f"GET {PAGE}", "csv": f"GET {CSV}", "filtered": f"GET {FILTERED}",
              "picture": "sector_picture() alone (no template)",
              "baseline": f"baseline: {TEMPLATE} from memory (no DB)"}
    print(f"requests: {options.iterations} each after {WARM_UPS} warm-ups, interleaved; "
          f"page {len(html) / 1024:.0f} KiB")
    for name, values in measured.items():
        sql = f", {len(queries[name].entries)} SQL queries" if name in queries else ""
        print(f"  {labels[name]:<52} median {statistics.median(values):7.1f} ms  "
              f"p90 {p90(values):7.1f} ms{sql}")
    print(f"one GET {PAGE}, from each SQL statement to the next (rows fetched and handled; "
          "the notices query, sent by the layout, is followed by the rendering):")
    for seconds, statement in queries["page"].spans():
        print(f"  {seconds * 1000:7.1f} ms  {' '.join(statement.split())[:120]}")
    page_ms = statistics.median(measured["page"])
    baseline_ms = statistics.median(measured["baseline"])
    print(f"ratio page/baseline (medians): {page_ms / baseline_ms:.2f} "
          f"({page_ms:.1f} ms / {baseline_ms:.1f} ms)")
    print(f"target: median of GET {PAGE} ≤ {options.target_ms:.0f} ms: "
          f"{'met' if page_ms <= options.target_ms else 'MISSED'} ({page_ms:.1f} ms)")
    if page_ms > options.target_ms:
        print("FAIL: the sector dashboard is slower than the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
