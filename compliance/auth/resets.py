"""Password reset by e-mail: a single-use, expiring link, kept only as a hash.

Asking for a link answers the same whether the address is known or not, and does the
same work (a message is composed either way; only a known, active account's is sent, and
it is sent off the request's path). Requests are throttled per address and per client.
Using a link sets the new password and ends every other session of the person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.message import Message

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from compliance.audit import log_event
from compliance.auth.models import PasswordReset, ResetRequest, User
from compliance.auth.services import normalize_email, set_new_password
from compliance.auth.throttle import LoginThrottled
from compliance.auth.tokens import check_link, expiry, link_hash, new_link_secret
from compliance.db import utcnow
from compliance.extensions import db
from compliance.i18n import DEFAULT_LANGUAGE
from compliance.links import absolute_url, path_for
from compliance.mail import compose
from compliance.observability import security_event

WINDOW = timedelta(hours=1)
MAX_PER_EMAIL = 3
MAX_PER_CLIENT = 10


@dataclass(frozen=True)
class ResetAsked:
    message: Message  # composed for every address; sent only when ``send`` is true
    send: bool


def request_reset(email: str, *, remote_addr: str) -> ResetAsked:
    """Record the request and prepare the link's e-mail (the caller sends it after the
    commit when ``send``)."""
    email = normalize_email(email)
    since = utcnow() - WINDOW
    recent = select(func.count(), func.min(ResetRequest.at)).where(ResetRequest.at >= since)
    for column, key, limit in ((ResetRequest.email, email, MAX_PER_EMAIL),
                               (ResetRequest.remote_addr, remote_addr, MAX_PER_CLIENT)):
        count, oldest = db.session.execute(recent.where(column == key)).one()
        if count >= limit:
            raise LoginThrottled(_l("Too many requests for a reset link. Try again in "
                                    "%(num)d minutes.",
                                    num=max(1, int((oldest + WINDOW - utcnow())
                                                   .total_seconds() // 60) + 1)))
    db.session.add(ResetRequest(email=email, remote_addr=remote_addr))
    user = db.session.scalar(select(User).where(User.email == email))
    token, hashed = new_link_secret()
    hours = current_app.config["RESET_HOURS"]
    if user is not None and user.active:
        db.session.add(PasswordReset(user=user, token_hash=hashed, expires_at=expiry(hours)))
    language = (user.locale if user else None) or DEFAULT_LANGUAGE
    message = compose(to=email, subject=_l("Choose a new password — MDR compliance"),
                      template="auth/emails/reset", language=language,
                      name=user.name if user else email, hours=hours,
                      url=absolute_url(path_for("auth.reset_password", token=token)))
    db.session.flush()
    security_event("password_reset_requested",
                   user_id=user.id if user is not None and user.active else None)
    return ResetAsked(message, send=user is not None and user.active)


def usable_reset(token: str) -> PasswordReset:
    """The reset behind this link, or LinkRefused saying why it cannot be used."""
    reset = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == link_hash(token)))
    check_link(reset)
    if not reset.user.active:
        check_link(None)
    return reset


def reset_password(token: str, new_password: str) -> User:
    """Set the new password through the link; the link and the person's other links are
    used up, and every other session ends."""
    reset = usable_reset(token)
    user = reset.user
    security_event("token_used", user_id=user.id, token="password reset")
    set_new_password(user, new_password)
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id,
                                                   PasswordReset.used_at.is_(None))
                       .values(used_at=utcnow()))
    db.session.expire(reset)
    log_event("user.password_reset", user, actor=user, member_id=user.member_id)
    return user


def reset_done_message(user: User) -> Message:
    """The security notice after a reset (it cannot be switched off)."""
    return compose(to=user.email, subject=_l("Your password was changed — MDR compliance"),
                   template="auth/emails/password_changed",
                   language=user.locale or DEFAULT_LANGUAGE, name=user.name,
                   url=absolute_url(path_for("auth.forgot_password")))
