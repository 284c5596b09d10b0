"""Who hears of what: the workflows' signals turned into notifications."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from compliance.auth.models import Role, User
from compliance.extensions import db
from compliance.links import path_for
from compliance.notifications.services import Param, notify
from compliance.signals import (
    action_transitioned,
    assessment_transitioned,
    invitation_accepted,
    pre_audit_transitioned,
    request_transitioned,
)


def managers_of(member_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.member_id == member_id, User.role == Role.MEMBER_MANAGER.value,
        User.active.is_(True)).order_by(User.id)))


def _about(assessment: Any, actor: Any, **more: str) -> dict[str, Param]:
    member = assessment.member
    return {"member": f"{member.name} ({member.code})",
            "campaign": assessment.campaign.title_in,  # in each recipient's language
            "actor": getattr(actor, "name", None) or "—", **more}


@assessment_transitioned.connect
def _assessment_changed(assessment: Any, *, transition: str, actor: Any, reason: Any,
                        **_: Any) -> None:
    key = f"assessment:{assessment.id}:{assessment.revision}:{transition}"
    path = path_for("assessments.show", assessment_id=assessment.id)
    if transition == "submit":
        notify("assessment_submitted", key, assessment.member.consultants,
               params=_about(assessment, actor), path=path, actor=actor)
    elif transition == "send_back":
        notify("assessment_sent_back", key, managers_of(assessment.member_id),
               params=_about(assessment, actor, reason=reason or ""), path=path, actor=actor)


@pre_audit_transitioned.connect
def _pre_audit_changed(pre_audit: Any, *, transition: str, actor: Any, **_: Any) -> None:
    if transition != "complete":
        return
    assessment = pre_audit.assessment
    notify("pre_audit_signed", f"pre_audit:{pre_audit.id}:{pre_audit.revision}:complete",
           managers_of(assessment.member_id), params=_about(assessment, actor),
           path=path_for("assessments.show", assessment_id=assessment.id), actor=actor)


@action_transitioned.connect
def _action_changed(action: Any, *, transition: str, actor: Any, reason: Any,
                    **_: Any) -> None:
    key = f"action:{action.id}:{action.revision}:{transition}"
    params = _about(action.assessment, actor, requirement=action.requirement_key,
                    reason=reason or "")
    path = path_for("actions.show", action_id=action.id)
    if transition == "complete":
        notify("action_done", key, _consultants_of(action), params=params, path=path,
               actor=actor)
    elif transition == "verify":
        notify("action_verified", key, managers_of(action.member_id), params=params,
               path=path, actor=actor)


def _consultants_of(action: Any) -> list[User]:
    """The consultant who signed the pre-audit, else those assigned to the member."""
    pre_audit = action.assessment.pre_audit
    consultant = db.session.get(User, pre_audit.consultant_id) \
        if pre_audit is not None and pre_audit.consultant_id else None
    if consultant is not None and consultant.active:
        return [consultant]
    return list(action.member.consultants)


@invitation_accepted.connect
def _invitation_accepted(invitation: Any, *, user: Any, **_: Any) -> None:
    inviter = invitation.invited_by
    if inviter is None:
        return
    path = path_for("users.team") if inviter.role == Role.MEMBER_MANAGER else \
        path_for("users.index")
    notify("invitation_accepted", f"invitation:{invitation.id}:accepted", [inviter],
           params={"invitee": user.name, "email": user.email}, path=path, actor=user)


@request_transitioned.connect
def _request_changed(request: Any, *, transition: str, actor: Any, reason: Any,
                     **_: Any) -> None:
    """Asked (or asked again): the member's managers; answered: the consultant who asked."""
    key = f"request:{request.id}:{request.revision}:{transition}"
    path = path_for("requests_.show", request_id=request.id)
    params = _about(request.assessment, actor, requirement=request.requirement_key,
                    question=reason or request.question)
    if transition in ("ask", "ask_again"):
        notify("request_asked", key, managers_of(request.member_id), params=params,
               path=path, actor=actor)
    elif transition == "answer":
        asker = db.session.get(User, request.asked_by_id) if request.asked_by_id else None
        notify("request_answered", key, [asker] if asker else
               list(request.assessment.member.consultants), params=params, path=path,
               actor=actor)
