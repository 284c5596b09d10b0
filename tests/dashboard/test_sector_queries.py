"""The sector dashboard runs a fixed number of SQL queries, whatever the number of members:
a synthetic sector (bench.sector_data) on the shipped manual, at 5 and then 40 members,
seen by staff, by a consultant assigned to a third of the members, and filtered by region
and by activity; the counted pages are checked to show every member they should."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from sqlalchemy import select

from bench.harness import counting_queries
from bench.sector_data import generate_sector
from compliance.assessments.models import Assessment, State
from compliance.extensions import db
from compliance.manual.models import Chapter, ManualVersion, Requirement
from compliance.members.models import Member
from tests import factories
from tests.conftest import login

SIZES = (5, 40)
STAFF = "staff@sector.test"
CONSULTANT = "consultant@sector.test"
REGION, ACTIVITY = "wallonia", "orthoses"
# view: (who looks, query string)
VIEWS = {
    "staff": (STAFF, ""),
    "consultant": (CONSULTANT, ""),
    "region": (STAFF, f"?region={REGION}"),
    "activity": (STAFF, f"?activity={ACTIVITY}"),
    "consultant-region": (CONSULTANT, f"?region={REGION}"),
}
MANUAL_TABLES = {t.__tablename__ for t in (ManualVersion, Chapter, Requirement)}
STATE_TABLE = re.compile(r'<table class="bars">(.*?)</table>', re.S)
STATE_COUNT = re.compile(r'<th scope="row">[^<]*</th><td class="num">(\d+)</td>')
HEAT_TABLE = re.compile(r'<table class="table heat">.*?<tbody>(.*?)</tbody>', re.S)
MEMBER_LINK = re.compile(r'<a href="/assessments/\d+">(SYN-\d{4})</a>')
OVERDUE = re.compile(r"Overdue corrective actions \((\d+)\)</h2>")
SVG = re.compile(r'<svg class="chart"')
GAP_ROW = re.compile(r'<tr><td><span class="key">[A-Z]+-\d+</span>')




def build_sector(app, size: int) -> int:
    """The sector, a staff user and a consultant assigned to every third member, from the
    second (a Walloon one: the generator gives the first three the three regions)."""
    with app.app_context():
        campaign_id = generate_sector(size, seed=size)
        factories.user(STAFF, "staff", locale="en")
        members = db.session.scalars(select(Member).order_by(Member.code)).all()
        factories.user(CONSULTANT, "consultant", assigned=members[1::3], locale="en")
        db.session.commit()
        return campaign_id


def empty_all_but_the_manual(app) -> None:
    """The next size reuses the imported manual (importing it again changes nothing)."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in MANUAL_TABLES:
                    conn.execute(table.delete())


def expected(app, who: str, query: str) -> tuple[list[str], list[int]]:
    """The codes the view should list and its members per state, in the table's order."""
    with app.app_context():
        rows = db.session.execute(select(Member, Assessment.state)
                                  .join(Assessment, Assessment.member_id == Member.id)).all()
        if who == CONSULTANT:
            assigned = db.session.scalars(select(Member).order_by(Member.code)).all()[1::3]
            rows = [r for r in rows if r[0] in assigned]
        if "region" in query:
            rows = [r for r in rows if r[0].region == REGION]
        if "activity" in query:
            rows = [r for r in rows if ACTIVITY in r[0].activities]
        states = Counter(state for _, state in rows)
        return sorted(m.code for m, _ in rows), [states[s.value] for s in State]


def look(app, size: int) -> dict[str, int]:
    """Each view's query count (page, then CSV), checking what it shows."""
    campaign_id = build_sector(app, size)
    with app.app_context():
        chapters = len(db.session.scalars(select(Chapter)).all())
    clients = {}
    for email in (STAFF, CONSULTANT):
        clients[email] = app.test_client()
        assert login(clients[email], email).status_code == 302
    counts, sizes = {}, {}
    for view, (who, query) in VIEWS.items():
        client = clients[who]
        codes, states = expected(app, who, query)
        assert codes, f"{view}: nobody to show at {size} members"
        for kind, url in (("page", f"/dashboard/sector{query}"),
                          ("csv", f"/dashboard/sector.csv{query}")):
            client.get(url)  # warm up: templates compiled, translations loaded
            with counting_queries(app) as statements:
                response = client.get(url, headers={"Accept-Language": "en"})
            assert response.status_code == 200, (view, url)
            counts[f"{view} {kind}"] = len(statements)
            body = response.get_data(as_text=True)
            if kind == "page":
                sizes[view] = len(response.data) / 1024
                assert len(SVG.findall(body)) == 4, view  # the four charts
                assert f'<option value="{campaign_id}" selected>' in body
                shown = [int(n) for n in STATE_COUNT.findall(STATE_TABLE.search(body)[1])]
                assert shown == states and sum(shown) == len(codes), view
                assert sorted(MEMBER_LINK.findall(body)) == codes, view
                heat = HEAT_TABLE.search(body)[1]
                assert heat.count("<tr>") == chapters == 13, view
                if view == "staff":  # the lists that could load row by row are not empty
                    assert int(OVERDUE.search(body)[1]) > 0
                    assert len(GAP_ROW.findall(body)) == 10
            else:
                lines = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
                assert len(lines) == len(codes) + 1 and lines[0][0] == "Code", view
                assert [line[0] for line in lines[1:]] == codes, view
    print(f"\npage KiB at {size} members: "
          + ", ".join(f"{view} {kib:.0f}" for view, kib in sizes.items()))
    assert sizes["staff"] < 100  # 34 KiB at 40 members before the charts, 82 with them
    return counts


def test_sector_dashboard_queries_do_not_grow_with_members(app, db):
    small = look(app, SIZES[0])
    empty_all_but_the_manual(app)
    large = look(app, SIZES[1])
    print(f"\nqueries per request at {SIZES[0]} / {SIZES[1]} members: "
          + ", ".join(f"{view} {small[view]}/{large[view]}" for view in small))
    assert large == small
    # the charts add one query (readiness across campaigns) to the 13 before them
    assert small["staff page"] <= 14 and small["consultant page"] <= 15
