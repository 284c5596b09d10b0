"""A real SMTP server in its own process for benchmarks: accepts every message and
counts it in a file. `python bench/smtp_counter.py PORT COUNT_FILE` (stops on SIGTERM)."""

import signal
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self, path: Path):
        self.path = path
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.count += 1
        self.path.write_text(str(self.count))
        return "250 OK"


def main() -> None:
    port, path = int(sys.argv[1]), Path(sys.argv[2])
    path.write_text("0")
    controller = Controller(Counter(path), hostname="127.0.0.1", port=port)
    controller.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
