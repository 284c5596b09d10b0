"""Receiving device statements, and the register page as they pile up.

1. 10,000 statements received through ``receive_statements`` (the API's entry point) in
   batches of ``--batch`` (each batch: validation element by element, the look-up of
   earlier statements with the same external ids, one audit event, a commit), against a
   plain insert of the same rows (SQLAlchemy Core ``insert`` of the finished column
   values, batch by batch with a commit): CPU time per statement of each and the ratio
   (wall-clock times printed too; on a shared machine they stretch with the load).
   The same statements again, for a third member, posted through the API
   (``POST /api/v1/statements`` with a token, through Flask's test client, so token
   check, rate count, JSON parsing and the answer's serialising are counted): its CPU
   time per statement and its ratio to the plain insert.
2. The register page (``GET /members/<id>/statements``, logged in as staff) at 1,000,
   10,000 and 50,000 statements: the number of SQL statements it sends (must be the same
   at every size) and its time.

Exits 1 when the query count changes with the size. Builds its own app on a temporary
SQLite file and removes it. About a minute.

    .venv/bin/python bench/statements.py [--count 10000] [--batch 500] [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import copy
import logging
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from bench.harness import build_app, counting_queries
from compliance import clock
from compliance.devices.demo import demo_payload
from compliance.devices.models import DeviceStatement
from compliance.devices.services import receive_statements
from compliance.extensions import db
from compliance.members.models import Member

TODAY = date(2026, 11, 30)
EMAIL, PASSWORD = "staff@bench.example", "bench password 2026"
BOOKKEEPING = ("member_id", "external_id", "received_at", "received_by", "revision", "month",
               "complete", "missing", "retention_end")


def payloads(member: Member, count: int, prefix: str) -> list[dict]:
    """``count`` statements over two years; one in fifty lacks its characteristics."""
    result = []
    for n in range(count):
        data = demo_payload(member, n, TODAY - timedelta(days=n * 730 // count + 1))
        data["external_id"] = f"{prefix}-{n:06d}"
        if n % 50 == 0:
            data = copy.deepcopy(data)
            del data["characteristics"]
        result.append(data)
    return result


def setup(app) -> tuple[int, int, int, str]:  # noqa: ANN001
    """Three members; the third's manager makes a token with the scope "devices"."""
    from compliance.members.enterprise_number import make_enterprise_number
    from compliance.members.services import create_member
    from compliance.tokens.services import create_token
    from compliance.users.services import create_user

    with app.app_context():
        members = [create_member(code=f"BENCH-{i}", name=f"Bench workshop {i}",
                                 enterprise_number=make_enterprise_number(f"{i:08d}"),
                                 region="flanders",
                                 activities=["orthoses"]) for i in (1, 2, 3)]
        create_user(email=EMAIL, name="Bench Staff", role="staff", member=None,
                    password=PASSWORD, locale="en")
        manager, _ = create_user(email="manager@bench.example", name="Bench Manager",
                                 role="member_manager", member=members[2],
                                 password=PASSWORD, locale="en")
        _, secret = create_token(members[2], name="Bench software", scopes=["devices"],
                                 actor=manager)
        db.session.commit()
        return members[0].id, members[1].id, members[2].id, secret


def post_all(app, member_id: int, secret: str, count: int, batch: int  # noqa: ANN001
             ) -> tuple[float, float]:
    """The same payloads posted through the API in batches of ``batch``."""
    with app.app_context():
        todo = payloads(db.session.get(Member, member_id), count, "R")
    client = app.test_client(use_cookies=False)
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    with clock.frozen(TODAY):
        cpu, wall = time.process_time(), time.perf_counter()
        for start in range(0, count, batch):
            answer = client.post("/api/v1/statements", headers=headers,
                                 json={"statements": todo[start:start + batch]})
            assert answer.status_code == 200, answer.get_json()
        return time.process_time() - cpu, time.perf_counter() - wall


def receive_all(app, member_id: int, count: int, batch: int) -> tuple[float, float]:  # noqa: ANN001
    with app.app_context(), clock.frozen(TODAY):
        member = db.session.get(Member, member_id)
        todo = payloads(member, count, "R")
        cpu, wall = time.process_time(), time.perf_counter()
        for start in range(0, count, batch):
            receive_statements(member, todo[start:start + batch], actor_label="bench")
            db.session.commit()
        return time.process_time() - cpu, time.perf_counter() - wall


def plain_insert(app, source_id: int, target_id: int, batch: int) -> tuple[float, float, int]:  # noqa: ANN001
    """The received rows again, for another member, by a plain insert."""
    with app.app_context():
        columns = [c.name for c in DeviceStatement.__table__.columns if c.name != "id"]
        rows = [dict(zip(columns, row, strict=True)) for row in db.session.execute(
            select(*[DeviceStatement.__table__.c[name] for name in columns]).where(
                DeviceStatement.member_id == source_id))]
        for row in rows:
            row["member_id"] = target_id
        cpu, wall = time.process_time(), time.perf_counter()
        for start in range(0, len(rows), batch):
            db.session.execute(insert(DeviceStatement), rows[start:start + batch])
            db.session.commit()
        return time.process_time() - cpu, time.perf_counter() - wall, len(rows)


def fill_to(app, member_id: int, size: int) -> None:  # noqa: ANN001
    """Copies of the member's statements until it has ``size``."""
    with app.app_context():
        have = db.session.scalar(select(func.count()).where(
            DeviceStatement.member_id == member_id))
        columns = [c.name for c in DeviceStatement.__table__.columns if c.name != "id"]
        template = [dict(zip(columns, row, strict=True)) for row in db.session.execute(
            select(*[DeviceStatement.__table__.c[name] for name in columns]).where(
                DeviceStatement.member_id == member_id).limit(1000))]
        rows = []
        for n in range(have, size):
            row = dict(template[n % len(template)])
            row["external_id"] = f"F-{n:07d}"
            rows.append(row)
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(DeviceStatement), rows[start:start + 5000])
        db.session.commit()


def register_page(app, member_id: int, runs: int = 5) -> tuple[int, float, int]:  # noqa: ANN001
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"csrf_token": token, "email": EMAIL,
                                       "password": PASSWORD}).status_code == 302
    url = f"/members/{member_id}/statements"
    client.get(url)
    with counting_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    start = time.perf_counter()
    for _ in range(runs):
        client.get(url)
    return len(statements), (time.perf_counter() - start) / runs, len(response.data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as instance:
        app = build_app(Path(instance), AUDIT_KEY="bench-audit-key-" + "0" * 32,
                        API_RATE_LIMIT=100_000)
        first, second, third, secret = setup(app)
        cpu, wall = receive_all(app, first, args.count, args.batch)
        plain_cpu, plain_wall, rows = plain_insert(app, first, second, args.batch)
        assert rows == args.count
        api_cpu, api_wall = post_all(app, third, secret, args.count, args.batch)
        print(f"received {args.count} statements in batches of {args.batch}: "
              f"{cpu / args.count * 1e6:.0f} µs CPU per statement ({wall:.1f} s wall)")
        print(f"plain insert of the same rows: {plain_cpu / rows * 1e6:.0f} µs CPU per "
              f"statement ({plain_wall:.1f} s wall)")
        print(f"ratio receive / plain insert: {cpu / plain_cpu:.1f}× CPU, "
              f"{wall / plain_wall:.1f}× wall")
        print(f"posted through the API in batches of {args.batch}: "
              f"{api_cpu / args.count * 1e6:.0f} µs CPU per statement ({api_wall:.1f} s wall)")
        print(f"ratio API / plain insert: {api_cpu / plain_cpu:.1f}× CPU, "
              f"{api_wall / plain_wall:.1f}× wall")
        counts = []
        for size in (int(s) for s in args.sizes.split(",")):
            fill_to(app, second, size)
            queries, seconds, length = register_page(app, second)
            counts.append(queries)
            print(f"register page at {size:>6} statements: {queries} queries, "
                  f"{seconds * 1000:.0f} ms, {length / 1024:.0f} KiB")
    if len(set(counts)) != 1:
        print("FAIL: the register page's query count changes with its size")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
