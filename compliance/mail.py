"""Sending mail: over SMTP with the SMTP_* settings, or into instance/outbox/ as .eml
files when SMTP_HOST is not set (development).

The kernel's mailer: reminders send their digests in batches with :class:`Mailer`;
single messages (an invitation, a password reset, a workflow notice) are built with
:func:`compose` and leave with :func:`send` after the request's commit, or are queued
with :func:`send_after_commit` by code that runs inside the transaction.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

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

    def open_slots(self, wanted: int) -> int:
        """Connect up to ``wanted`` sessions (at least one is open); how many can send at
        once. Without SMTP_HOST, the outbox: as many as wanted."""
        if not self.sessions:
            return wanted
        while len(self.sessions) < min(wanted, self.connections):
            try:
                self.sessions.append(self._connect())
            except MailServerDown:
                break
        return len(self.sessions)

    def send_one(self, slot: int, name: str, message: Message) -> str | None:
        """Send one message over session ``slot`` (one thread per slot); None once the
        server accepted it, else why not."""
        if not self.sessions:
            (self.outbox / f"{name}.eml").write_bytes(message.as_bytes())
            self.written += 1
            return None
        try:
            self.sessions[slot].send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            return f"the mail server refused the message: {exc}"
        return None

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


def outbox_path() -> Path:
    return Path(current_app.instance_path) / "outbox"


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def compose(*, to: str, subject: object, template: str, language: str,
            **context: Any) -> Message:
    """A message in ``language`` from ``<template>.txt`` and ``<template>.html``; the
    subject may be a lazy string (it is rendered in that language too)."""
    with force_locale(language):
        message = MIMEMultipart("alternative")
        message["Subject"] = Header(str(subject), "utf-8")
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = to
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="compliance.local")
        message["Content-Language"] = language
        message.attach(MIMEText(render_template(f"{template}.txt", **context), "plain",
                                "utf-8"))
        message.attach(MIMEText(render_template(f"{template}.html", **context), "html",
                                "utf-8"))
    return message


def send(messages: list[Message]) -> str | None:
    """Send a few messages now (after the commit); None when all were accepted, else
    why not (the server was down or refused one)."""
    if not messages:
        return None
    named = {f"{uuid.uuid4().hex}": m for m in messages}
    try:
        with Mailer(current_app.config, outbox_path()) as mailer:
            results = mailer.send_many(named)
    except MailServerDown as exc:
        log.error("mail: %s", exc)
        return str(exc)
    failed = next((why for why in results.values() if why), None)
    if failed:
        log.error("mail: %s", failed)
    return failed


OnSent = Callable[[], None]
_PENDING = "mail_after_commit"


def send_after_commit(message: Message, *, on_sent: OnSent | None = None) -> None:
    """Queue a message on the current transaction: it leaves once the transaction is
    committed, and never if it is rolled back. ``on_sent`` runs once the server
    accepted it (outside the committed transaction)."""
    from compliance.extensions import db

    db.session.info.setdefault(_PENDING, []).append((message, on_sent))


@event.listens_for(Session, "after_commit")
def _deliver_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    for message, on_sent in pending:
        if send([message]) is None and on_sent is not None:
            on_sent()


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (a commit took them already):
    nothing queued on it leaves. A savepoint rolled back inside it drops nothing."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def send_in_background(messages: list[Message]) -> threading.Thread:
    """Send after the answer, on a thread of its own, so that the answer's time does not
    tell whether anything was sent (a reset link for a known address)."""
    config = dict(current_app.config)
    outbox = outbox_path()

    def deliver() -> None:
        named = {uuid.uuid4().hex: m for m in messages}
        try:
            with Mailer(config, outbox) as mailer:
                for why in mailer.send_many(named).values():
                    if why:
                        log.error("mail: %s", why)
        except MailServerDown as exc:
            log.error("mail: %s", exc)

    thread = threading.Thread(target=deliver, name="mail", daemon=False)
    thread.start()
    return thread
