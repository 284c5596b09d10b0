"""Sending mail: over SMTP with the SMTP_* settings, or into instance/outbox/ as .eml
files when SMTP_HOST is not set (development)."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path

log = logging.getLogger(__name__)


class MailServerDown(Exception):
    """The mail server could not be reached or refused us; nothing was sent."""


class Mailer:
    """Holds up to ``connections`` SMTP sessions for one pass; sends batches over all of
    them at once, since most of a send is waiting for the server's replies."""

    def __init__(self, config: dict, outbox: Path, connections: int = 1):
        self.config = config
        self.outbox = outbox
        self.connections = connections
        self.sessions: list[smtplib.SMTP] = []
        self.written = 0

    def __enter__(self) -> Mailer:
        if not self.config.get("SMTP_HOST"):
            self.outbox.mkdir(parents=True, exist_ok=True)
            return self
        self.sessions.append(self._connect())  # a server that is down fails here, early
        return self

    def _connect(self) -> smtplib.SMTP:
        host, port = self.config["SMTP_HOST"], int(self.config.get("SMTP_PORT") or 25)
        try:
            smtp = smtplib.SMTP(host, port, timeout=15)
            if self.config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if self.config.get("SMTP_USERNAME"):
                smtp.login(self.config["SMTP_USERNAME"], self.config["SMTP_PASSWORD"])
        except (OSError, smtplib.SMTPException) as exc:
            raise MailServerDown(f"cannot use the mail server {host}:{port}: {exc}") from None
        return smtp

    def __exit__(self, *exc_info) -> None:
        for smtp in self.sessions:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
        if self.written:
            log.warning("SMTP_HOST is not set: wrote %d message(s) to %s", self.written,
                        self.outbox)

    def send_many(self, messages: dict[str, Message]) -> dict[str, str | None]:
        """Send every message; name → None when accepted, else why it was not."""
        if not messages:
            return {}
        if not self.sessions:
            for name, message in messages.items():
                (self.outbox / f"{name}.eml").write_bytes(message.as_bytes())
                self.written += 1
            return dict.fromkeys(messages)
        wanted = min(self.connections, len(messages))
        while len(self.sessions) < wanted:
            try:
                self.sessions.append(self._connect())
            except MailServerDown:
                break
        names = list(messages)
        shares = [names[i::len(self.sessions)] for i in range(len(self.sessions))]
        results: dict[str, str | None] = {}
        with ThreadPoolExecutor(max_workers=len(self.sessions)) as pool:
            for done in pool.map(self._send_share, self.sessions, shares,
                                 [messages] * len(shares)):
                results.update(done)
        return results

    @staticmethod
    def _send_share(smtp: smtplib.SMTP, names: list[str],
                    messages: dict[str, Message]) -> dict[str, str | None]:
        results: dict[str, str | None] = {}
        for name in names:
            if any(results.values()):  # this session failed: the rest is not sent
                results[name] = "not sent after an earlier failure"
                continue
            try:
                smtp.send_message(messages[name])
                results[name] = None
            except (OSError, smtplib.SMTPException) as exc:
                results[name] = f"the mail server refused the message: {exc}"
        return results
