"""One reminder pass over a synthetic sector of 1,000 members, timed on SQLite.

    .venv/bin/python bench/reminders_pass.py [--members 1000]

Builds the sector with ``bench.sector_data.generate_sector`` (campaign deadlines, review
times, corrective actions, recurring duties for every member), points the app at a real
SMTP server (aiosmtpd on 127.0.0.1) and times ``run_pass`` on the day a month before the
campaign is due: every manager gets a digest. Prints the time of the pass, the digests and
reminders sent, the messages the server received, and the time of a second pass (which
must send nothing). Exits non-zero when the first pass takes more than 10 seconds (the
issue's target) or when anything is sent twice.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from bench.sector_data import generate_sector  # noqa: E402
from compliance import create_app  # noqa: E402
from compliance.campaigns.models import Campaign  # noqa: E402
from compliance.extensions import db  # noqa: E402
from compliance.reminders.services import run_pass  # noqa: E402

TARGET_SECONDS = 10.0


class Counter:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received += 1
        return "250 OK"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        handler = Counter()
        controller = Controller(handler, hostname="127.0.0.1", port=8025 + args.members % 97)
        controller.start()
        app = create_app({"TESTING": True, "SMTP_HOST": "127.0.0.1",
                          "SMTP_PORT": controller.port,
                          "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 8,
                                                "parallelism": 1}},
                         environ={"COMPLIANCE_ENV": "development", "COMPLIANCE_INSTANCE": tmp,
                                  "DATABASE_URL": f"sqlite:///{tmp}/bench.db"})
        try:
            with app.app_context():
                db.create_all()
                started = time.perf_counter()
                campaign_id = generate_sector(args.members)
                print(f"sector of {args.members} members generated in "
                      f"{time.perf_counter() - started:.1f} s")
                day = db.session.get(Campaign, campaign_id).due_date - timedelta(days=30)
                started = time.perf_counter()
                first = run_pass(day)
                first_time = time.perf_counter() - started
                db.session.remove()
                started = time.perf_counter()
                second = run_pass(day)
                second_time = time.perf_counter() - started
        finally:
            controller.stop()
    print(f"first pass:  {first_time:.2f} s — {first.digests} digests, {first.reminders} "
          f"reminders, {handler.received} messages received by the SMTP server"
          + (f", error: {first.error}" if first.error else ""))
    print(f"second pass: {second_time:.2f} s — {second.digests} digests (must be 0)")
    print(f"target: first pass ≤ {TARGET_SECONDS:.0f} s → "
          f"{'met' if first_time <= TARGET_SECONDS else 'MISSED'}")
    ok = first_time <= TARGET_SECONDS and second.digests == 0 and not first.error \
        and handler.received == first.digests
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
