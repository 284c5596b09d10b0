"""Notifying people: a ledger row and an in-app notice per recipient, in the transaction
of the change; the e-mail leaves after the commit (never if the change is rolled back),
in the recipient's language, unless they switched that kind off."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from flask_babel import force_locale
from sqlalchemy import select, update

from compliance.db import utcnow
from compliance.extensions import db
from compliance.i18n import DEFAULT_LANGUAGE
from compliance.links import absolute_url, path_for
from compliance.mail import compose, send_after_commit
from compliance.notifications.kinds import KINDS
from compliance.notifications.models import NotificationOptOut, SentNotification
from compliance.reminders.models import Notice

if TYPE_CHECKING:
    from compliance.auth.models import User


#: A value of the notification's text: the same for everyone, or written in each
#: recipient's language (a campaign's title: ``campaign.title_in``).
Param = str | Callable[[str], str]


def notify(kind: str, event_key: str, recipients: Iterable[User], *,
           params: dict[str, Param], path: str, actor: User | None = None) -> int:
    """Tell each recipient (once per ``event_key``) what happened; returns how many were
    told now. The actor is never told of their own doing."""
    people = {u.id: u for u in recipients if u.active and u.id != getattr(actor, "id", None)}
    if not people:
        return 0
    already = set(db.session.scalars(select(SentNotification.recipient_id).where(
        SentNotification.event_key == event_key,
        SentNotification.recipient_id.in_(list(people)))))
    opted_out = set(db.session.scalars(select(NotificationOptOut.user_id).where(
        NotificationOptOut.kind == kind, NotificationOptOut.user_id.in_(list(people)))))
    told = 0
    for user in sorted(people.values(), key=lambda u: u.id):
        if user.id in already:
            continue
        _tell(user, kind, event_key, params, path, wants_email=user.id not in opted_out)
        told += 1
    return told


def _tell(user: User, kind: str, event_key: str, params: dict[str, Param], path: str, *,
          wants_email: bool) -> None:
    language = user.locale or DEFAULT_LANGUAGE
    words = KINDS[kind]
    written = {name: value(language) if callable(value) else value
               for name, value in params.items()}
    with force_locale(language):
        subject, line = words.subject(written), words.line(written)
    row = SentNotification(event_key=event_key, kind=kind, recipient_id=user.id,
                           wants_email=wants_email)
    db.session.add(row)
    db.session.add(Notice(user_id=user.id, text=line, url=path))
    db.session.flush()
    if wants_email:
        message = compose(to=user.email, subject=subject, language=language,
                          template="notifications/emails/notice", name=user.name, line=line,
                          url=absolute_url(path),
                          settings_url=absolute_url(path_for("notifications.settings")))
        send_after_commit(message, on_sent=lambda row_id=row.id: _mark_emailed(row_id))


def _mark_emailed(row_id: int) -> None:
    """After the commit, on a connection of its own: the server accepted the e-mail."""
    with db.engine.begin() as connection:
        connection.execute(update(SentNotification).where(SentNotification.id == row_id)
                           .values(emailed_at=utcnow()))


def switched_off(user: User) -> set[str]:
    return set(db.session.scalars(select(NotificationOptOut.kind).where(
        NotificationOptOut.user_id == user.id)))


def save_choices(user: User, wanted: set[str], offered: list[str]) -> None:
    """E-mails for the kinds in ``wanted``; the other offered kinds are switched off."""
    off = switched_off(user)
    for kind in offered:
        if kind in wanted and kind in off:
            db.session.delete(db.session.get(NotificationOptOut, (user.id, kind)))
        elif kind not in wanted and kind not in off:
            db.session.add(NotificationOptOut(user_id=user.id, kind=kind))
