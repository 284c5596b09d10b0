"""Sending mail: over SMTP with the SMTP_* settings, or into instance/outbox/ as .eml
files when SMTP_HOST is not set (development)."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from email.message import Message
from pathlib import Path

log = logging.getLogger(__name__)


class MailServerDown(Exception):
    """The mail server could not be reached or refused us; nothing was sent."""


class Mailer:
    def __init__(self, config: dict, outbox: Path):
        self.config = config
        self.outbox = outbox
        self.smtp: smtplib.SMTP | None = None
        self.written = 0

    def __enter__(self) -> Mailer:
        host = self.config.get("SMTP_HOST")
        if not host:
            self.outbox.mkdir(parents=True, exist_ok=True)
            return self
        port = int(self.config.get("SMTP_PORT") or 25)
        try:
            self.smtp = smtplib.SMTP(host, port, timeout=15)
            if self.config.get("SMTP_STARTTLS"):
                self.smtp.starttls(context=ssl.create_default_context())
            if self.config.get("SMTP_USERNAME"):
                self.smtp.login(self.config["SMTP_USERNAME"], self.config["SMTP_PASSWORD"])
        except (OSError, smtplib.SMTPException) as exc:
            raise MailServerDown(f"cannot use the mail server {host}:{port}: {exc}") from None
        return self

    def __exit__(self, *exc_info) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
        if self.written:
            log.warning("SMTP_HOST is not set: wrote %d message(s) to %s", self.written,
                        self.outbox)

    def send(self, message: Message, name: str) -> None:
        if self.smtp is None:
            (self.outbox / f"{name}.eml").write_bytes(message.as_bytes())
            self.written += 1
            return
        try:
            self.smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailServerDown(f"the mail server refused the message: {exc}") from None
