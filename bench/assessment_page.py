"""How fast is the self-assessment page, compared with rendering the same rows from memory?

Builds an app on a temporary SQLite file with the shipped manual (152 requirements), one
member doing every activity, every requirement answered and 30 evidence files linked.
Then times GET /assessments/<id>/answers through the Flask test client (logged in) and,
as a baseline, the same template rendered in a request context from the same objects,
loaded beforehand and detached from the database: the difference between the two is the
database work and the request handling. Exits 1 when the page reaches less than half the
baseline's rate.

    .venv/bin/python bench/assessment_page.py [--iterations 30] [--target 0.5]
"""

from __future__ import annotations

import argparse
import gc
import io
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template
from flask_login import login_user
from reportlab.pdfgen import canvas
from sqlalchemy import inspect, select

from bench.harness import build_app, counting_queries, rendered_context
from compliance import PROJECT_ROOT
from compliance.assessments.models import Assessment, Status
from compliance.assessments.services import link_evidence, save_answer
from compliance.auth.models import User
from compliance.campaigns.services import create_campaign
from compliance.evidence.services import upload_evidence
from compliance.extensions import db
from compliance.manual.loader import load_manual
from compliance.manual.services import import_manual
from compliance.members.enterprise_number import make_enterprise_number
from compliance.members.services import create_member
from compliance.profile import Activity
from compliance.users.services import create_user

MANUAL = PROJECT_ROOT / "checklists" / "mdr-cmd"
TEMPLATE = "assessments/answers.html"
EMAIL = "manager@bench.example"
PASSWORD = "bench password 2026"
EVIDENCE_FILES = 30
WARM_UPS = 3
# What the view passes to the template; the rest comes from the context processors.
VIEW_VARIABLES = ("assessment", "chapters", "chapter", "show", "rows", "excluded", "progress",
                  "total", "texts", "editable", "focus", "off_filter", "row", "messages",
                  "locked", "confirmable", "row_url", "evidence_url", "download_url", "t",
                  "token", "dates", "radios", "badges", "note_max", "accept",
                  "verdicts_shown", "today")
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def fill(app) -> int:
    """The shipped manual, a member doing everything, all answered, 30 files linked."""
    with app.app_context():
        version = import_manual(load_manual(MANUAL)).version
        member = create_member(code="BENCH", name="Bench workshop",
                               enterprise_number=make_enterprise_number("04567890"),
                               region="flanders", activities=[a.value for a in Activity])
        manager, _ = create_user(email=EMAIL, name="Bench Manager", role="member_manager",
                                 member=member, password=PASSWORD, locale="nl")
        staff, _ = create_user(email="staff@bench.example", name="Staff", role="staff",
                               password=PASSWORD)
        campaign = create_campaign(title="Bench 2026", manual_version=version,
                                   due_date=date.today() + timedelta(days=30), mode="all",
                                   values=[], carry_over=False, actor=staff)
        (assessment,) = campaign.assessments
        answers = list(assessment.answers)
        statuses = list(Status)
        for i, answer in enumerate(answers):
            status = statuses[i % len(statuses)]
            save_answer(answer, status=status, revision=answer.revision, actor=manager,
                        justification="Not done here." if status == Status.NOT_APPLICABLE
                        else None, comment=f"Reviewed {i}." if i % 3 == 0 else None)
        for i in range(EVIDENCE_FILES):
            evidence = upload_evidence(
                member, filename=f"evidence-{i:02d}.pdf", stream=io.BytesIO(pdf(f"file {i}")),
                title=f"Evidence {i}", document_date=date.today() - timedelta(days=100),
                expiry_date=date.today() + timedelta(days=20 * i) if i % 2 else None,
                version_note=None, actor=manager)
            link_evidence(answers[5 * i % len(answers)], evidence, actor=manager)
        db.session.commit()
        return assessment.id


def log_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": EMAIL,
                                           "password": PASSWORD})
    assert response.status_code == 302, "could not log in"


def capture_context(app, client, url: str) -> tuple[dict[str, Any], User, str]:
    """The objects the real view hands to the template, loaded once; detached when the
    request's session closes, so rendering them again cannot reach the database."""
    context, html = rendered_context(app, client, url, TEMPLATE)
    user = context["current_user"]
    assert isinstance(user, User) and user.email == EMAIL
    assert inspect(user).detached and inspect(context["assessment"]).detached
    return {name: context[name] for name in VIEW_VARIABLES}, user, html


def rates(runs: dict[str, Any], iterations: int) -> dict[str, float]:
    """Runs per second of each; interleaved, so a busy machine slows both alike."""
    for _ in range(WARM_UPS):
        for run in runs.values():
            run()
    gc.collect()
    spent = dict.fromkeys(runs, 0.0)
    for _ in range(iterations):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            spent[name] += time.perf_counter() - start
    return {name: iterations / seconds for name, seconds in spent.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--target", type=float, default=0.5,
                        help="lowest acceptable ratio page / baseline (default 0.5)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        app = build_app(Path(tmp))
        started = time.perf_counter()
        assessment_id = fill(app)
        print(f"data: {time.perf_counter() - started:.1f} s to answer the shipped manual and "
              f"link {EVIDENCE_FILES} files")
        url = f"/assessments/{assessment_id}/answers"
        client = app.test_client()
        log_in(client)

        def page() -> str:
            response = client.get(url)
            assert response.status_code == 200
            return response.get_data(as_text=True)

        with counting_queries(app) as statements:
            html = page()
        context, user, html = capture_context(app, client, url)
        with app.app_context():
            assessment = db.session.get(Assessment, assessment_id)
            included = sum(1 for a in assessment.answers if a.included)
            assert db.session.scalar(select(User.id).where(User.email == EMAIL)) == user.id

        def baseline() -> str:
            with app.test_request_context(url):
                login_user(user)
                # the layout's notices count is its one query of its own: the user has none
                return render_template(TEMPLATE, unread_notices=lambda: 0, **context)

        with counting_queries(app) as statements_baseline:
            from_memory = baseline()
        assert not statements_baseline, "the baseline reached the database"
        assert len(context["rows"]) == included
        assert CSRF.sub("", from_memory) == CSRF.sub("", html), \
            "the baseline does not render the same page"

        measured = rates({"page": page, "baseline": baseline}, options.iterations)
        page_rate, baseline_rate = measured["page"], measured["baseline"]

    ratio = page_rate / baseline_rate
    print(f"page:     GET {url}  {len(html) / 1024:.0f} KiB, {len(context['rows'])} "
          f"answers, {len(statements)} SQL queries")
    print(f"page:     {page_rate:7.1f} requests/s ({1000 / page_rate:.1f} ms each, "
          f"{options.iterations} after {WARM_UPS} warm-ups, interleaved with the baseline)")
    print(f"baseline: {baseline_rate:7.1f} renders/s  ({1000 / baseline_rate:.1f} ms each, "
          f"same template and objects, no database, no request handling)")
    print(f"ratio page/baseline: {ratio:.2f} (target ≥ {options.target:.2f})")
    if ratio < options.target:
        print("FAIL: the page is below the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
