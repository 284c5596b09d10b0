"""Inviting people: staff invite managers, consultants and staff; a member manager invites
the contributors of their own workshop. The invitee chooses their own password through
the link; nobody else ever sees or makes it up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.auth.models import ROLE_LABELS, Role, User
from compliance.auth.services import normalize_email
from compliance.auth.tokens import LinkRefused, check_link, expiry, link_hash, new_link_secret
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.i18n import DEFAULT_LANGUAGE, LANGUAGES
from compliance.links import absolute_url, path_for
from compliance.mail import compose
from compliance.observability import security_event
from compliance.permissions import is_admin, is_staff, manages
from compliance.signals import invitation_accepted
from compliance.users.models import Invitation
from compliance.users.services import create_user

if TYPE_CHECKING:
    from email.message import Message

    from compliance.members.models import Member


def may_invite(actor: User | None, role: Role, member: Member | None) -> bool:
    """Staff invite anyone but administrators (whom only an administrator invites); a
    member manager invites contributors of their own workshop; the command line (no
    actor) anyone."""
    if actor is None or is_admin(actor):
        return True
    if is_staff(actor):
        return role != Role.ADMIN
    return role == Role.MEMBER_CONTRIBUTOR and member is not None \
        and manages(actor, member.id)


def may_manage_invitation(actor: User, invitation: Invitation) -> bool:
    """Re-send or withdraw: staff, or the managers of the invitation's workshop for a
    contributor's invitation."""
    return may_invite(actor, invitation.role_enum, invitation.member)


def invite(*, email: str, name: str, role: str, member: Member | None = None,
           locale: str | None = None, assigned: list[Member] | None = None,
           actor: User | None) -> tuple[Invitation, str]:
    """A new invitation and the secret of its link (shown or sent once, never stored)."""
    email = normalize_email(email)
    try:
        role_enum = Role(role)
    except ValueError:
        raise DomainError(_l("Unknown role %(role)s.", role=role)) from None
    _check_invitee(email, role_enum, member, assigned or [], locale)
    if not may_invite(actor, role_enum, member):
        raise DomainError(_l("You may only invite contributors of your own workshop."))
    token, hashed = new_link_secret()
    invitation = Invitation(
        email=email, name=name.strip() or email, role=role_enum.value, member=member,
        locale=locale or None, assigned=[m.id for m in assigned or []],
        invited_by_id=getattr(actor, "id", None), token_hash=hashed,
        expires_at=expiry(current_app.config["INVITATION_HOURS"]))
    db.session.add(invitation)
    db.session.flush()
    log_event("invitation.created", invitation, actor=actor, member_id=invitation.member_id,
              after={"email": email, "role": role_enum.value,
                     "member": member.code if member else None})
    return invitation, token


def _check_invitee(email: str, role: Role, member: Member | None, assigned: list[Member],
                   locale: str | None) -> None:
    if "@" not in email or len(email) > 254:
        raise DomainError(_l("%(email)s is not an e-mail address.", email=email))
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DomainError(_l("A user with the e-mail address %(email)s already exists.",
                             email=email))
    if role.belongs_to_member and member is None:
        raise DomainError(_l("A member manager or contributor must belong to a member."))
    if not role.belongs_to_member and member is not None:
        raise DomainError(_l("Only member managers and contributors belong to a member."))
    if assigned and role != Role.CONSULTANT:
        raise DomainError(_l("Only consultants are assigned to members."))
    if locale and locale not in LANGUAGES:
        raise DomainError(_l("Unknown language."))
    waiting = db.session.scalar(select(Invitation.id).where(
        Invitation.email == email, Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()))
    if waiting is not None:
        raise DomainError(_l("%(email)s is already invited: re-send or withdraw that "
                             "invitation.", email=email))


def resend(invitation: Invitation, *, actor: User | None) -> str:
    """A new link (the previous one stops working) with a new expiry."""
    _require_manageable(invitation, actor)
    token, hashed = new_link_secret()
    invitation.token_hash = hashed
    invitation.expires_at = expiry(current_app.config["INVITATION_HOURS"])
    invitation.sent_at = utcnow()
    log_event("invitation.resent", invitation, actor=actor, member_id=invitation.member_id,
              after={"email": invitation.email})
    return token


def revoke(invitation: Invitation, *, actor: User) -> None:
    _require_manageable(invitation, actor)
    invitation.revoked_at = utcnow()
    invitation.revoked_by_id = actor.id
    log_event("invitation.revoked", invitation, actor=actor, member_id=invitation.member_id,
              after={"email": invitation.email})


def _require_manageable(invitation: Invitation, actor: User | None) -> None:
    if actor is not None and not may_manage_invitation(actor, invitation):
        raise DomainError(_l("Your role does not allow this."))
    if invitation.used_at is not None:
        raise DomainError(_l("This invitation was already accepted."))
    if invitation.revoked_at is not None:
        raise DomainError(_l("This invitation was withdrawn."))


def usable_invitation(token: str) -> Invitation:
    """The invitation behind a link, or LinkRefused saying why it cannot be used."""
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.token_hash == link_hash(token)))
    check_link(invitation, revoked=invitation is not None and invitation.revoked_at is not None)
    return invitation


def accept(token: str, *, name: str, password: str) -> User:
    """The invitee's account, with the password they chose; the link is used up."""
    invitation = usable_invitation(token)
    if db.session.scalar(select(User.id).where(User.email == invitation.email)) is not None:
        raise LinkRefused(_l("An account with this address exists already: log in, or ask "
                             "for a new password."))
    from compliance.members.models import Member

    assigned = list(db.session.scalars(select(Member).where(
        Member.id.in_(invitation.assigned or []))))
    user, _ = create_user(email=invitation.email, name=name or invitation.name,
                          role=invitation.role, member=invitation.member,
                          password=password, locale=invitation.locale,
                          assigned_members=assigned, actor=invitation.invited_by)
    invitation.used_at = utcnow()
    invitation.user_id = user.id
    security_event("token_used", user_id=user.id, token="invitation")
    log_event("invitation.accepted", invitation, actor=user, member_id=invitation.member_id,
              after={"email": user.email, "role": user.role})
    invitation_accepted.send(invitation, user=user)
    return user


def invitation_message(invitation: Invitation, token: str) -> Message:
    """The invitation e-mail, in the invitee's language (else the default)."""
    inviter = invitation.invited_by
    return compose(
        to=invitation.email, template="users/emails/invitation",
        subject=_l("You are invited to MDR compliance"),
        language=invitation.locale or DEFAULT_LANGUAGE, invitation=invitation,
        inviter=inviter.name if inviter else None, role=ROLE_LABELS[invitation.role_enum],
        url=invitation_url(token), hours=current_app.config["INVITATION_HOURS"])


def invitation_url(token: str) -> str:
    return absolute_url(path_for("users.accept", token=token))


def pending_invitations(actor: User, member_id: int | None = None) -> list[Invitation]:
    """The invitations still waiting that ``actor`` may see: all for staff, their
    workshop's for a manager."""
    query = select(Invitation).where(Invitation.used_at.is_(None),
                                     Invitation.revoked_at.is_(None))
    if member_id is not None:
        query = query.where(Invitation.member_id == member_id)
    elif not is_staff(actor):
        query = query.where(Invitation.member_id == actor.member_id)
    return list(db.session.scalars(query.order_by(Invitation.created_at.desc())))
