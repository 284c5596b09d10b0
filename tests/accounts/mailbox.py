"""Reading the e-mails the real SMTP server received."""

from __future__ import annotations

import re
import time

LINK = re.compile(r"https?://\S+?(/(?:users/invitation|password/reset)/[A-Za-z0-9_\-]+)")


def text_of(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content()


def link_path(message) -> str:  # noqa: ANN001
    """The path of the invitation or reset link in a message."""
    match = LINK.search(text_of(message))
    assert match, "no link in the message"
    return match.group(1)


def to(inbox, address: str) -> list:  # noqa: ANN001
    return [m for rcpt, m in inbox.messages if address in rcpt]


def wait_for(inbox, count: int, seconds: float = 5.0) -> list:  # noqa: ANN001
    """Messages sent on a thread of their own (reset links) arrive a little later."""
    deadline = time.monotonic() + seconds
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return inbox.messages
