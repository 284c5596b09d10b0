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

import socket  # noqa: E402
import subprocess  # noqa: E402

from bench.harness import build_app  # noqa: E402
from bench.sector_data import generate_sector  # noqa: E402
from compliance.campaigns.models import Campaign  # noqa: E402
from compliance.extensions import db  # noqa: E402
from compliance.reminders.services import run_pass  # noqa: E402

TARGET_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the SMTP server did not start")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port, counted = free_port(), Path(tmp) / "received"
        server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "smtp_counter.py"),
                                   str(port), str(counted)])
        wait_for(port)
        app = build_app(Path(tmp), SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        try:
            with app.app_context():
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
            received = int(counted.read_text())
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"first pass:  {first_time:.2f} s — {first.digests} digests, {first.reminders} "
          f"reminders, {received} messages received by the SMTP server"
          + (f", error: {first.error}" if first.error else ""))
    print(f"second pass: {second_time:.2f} s — {second.digests} digests (must be 0)")
    print(f"target: first pass ≤ {TARGET_SECONDS:.0f} s → "
          f"{'met' if first_time <= TARGET_SECONDS else 'MISSED'}")
    ok = first_time <= TARGET_SECONDS and second.digests == 0 and not first.error \
        and received == first.digests
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
