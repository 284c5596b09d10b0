"""Requests to the member: asked by the consultant, answered by the member, settled by
the consultant. Each change checked, recorded as an audit event, flushed; never
committed (the view does)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.assessments.models import Answer
from compliance.assessments.workflow import can_review
from compliance.audit import log_event
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.evidence import services as evidence_services
from compliance.extensions import db
from compliance.requests_.models import MemberRequest, RequestFile, RequestKind
from compliance.requests_.workflow import REQUEST_FLOW, RequestState
from compliance.revisions import check_revision, cleaned, lock_row
from compliance.signals import request_transitioned

if TYPE_CHECKING:
    from compliance.auth.models import User

QUESTION_LENGTH = 5000
REQUEST_CONFLICT = _l("Someone else changed this request meanwhile. What you typed is shown "
                      "below: check it and send it again.")


def ask(answer: Answer, *, kind: str, question: str | None, blocks_sign_off: bool,
        actor: User) -> MemberRequest:
    """The consultant asks the member for a document or a clarification on one
    requirement of an assessment they are reviewing."""
    assessment = answer.assessment
    if not can_review(actor, assessment) or not answer.included:
        raise DomainError(_l("Requests are asked on a requirement of an assessment you are "
                             "pre-auditing."))
    if kind not in set(RequestKind):
        raise DomainError(_l("Choose what you ask for: a document or a clarification."))
    question = cleaned(question)
    if not question:
        raise DomainError(_l("Write your question: the member answers what you ask."))
    if len(question) > QUESTION_LENGTH:
        raise DomainError(_l("The question is too long (at most %(max)d characters).",
                             max=QUESTION_LENGTH))
    request = MemberRequest(assessment=assessment, answer=answer,
                            member_id=assessment.member_id,
                            requirement_key=answer.requirement_key, kind=kind,
                            question=question, blocks_sign_off=bool(blocks_sign_off),
                            asked_by_id=actor.id, state=RequestState.OPEN)
    db.session.add(request)
    db.session.flush()
    request_transitioned.send(request, transition="ask", actor=actor, reason=None)
    log_event("request.asked", request, actor=actor, member_id=request.member_id,
              assessment_id=assessment.id, after={
                  "requirement": request.requirement_key, "kind": kind,
                  "question": question, "blocks_sign_off": request.blocks_sign_off})
    return request


def answer(request: MemberRequest, *, response: str | None,
           uploads: list[evidence_services.Upload], revision: int | None,
           actor: User) -> list[tuple[object, bool]]:
    """The member answers with text, files or both; the files go to the member's evidence
    library (a file already there is reused, not stored twice). Returns the files as
    ``upload_or_reuse`` does."""
    lock_row(request)
    check_revision(request, revision, REQUEST_CONFLICT)
    response = cleaned(response)
    if response and len(response) > QUESTION_LENGTH:
        raise DomainError(_l("The answer is too long (at most %(max)d characters).",
                             max=QUESTION_LENGTH))
    if not response and not uploads:
        raise DomainError(_l("Write an answer or add a file: the request is answered with "
                             "one or the other."))
    with REQUEST_FLOW.transition(request, "answer", actor=actor):
        stored = evidence_services.upload_or_reuse(
            request.assessment.member, uploads, title="", document_date=None,
            expiry_date=None, version_note=None, actor=actor) if uploads else []
        known = {f.evidence_id for f in request.files}
        for evidence, _reused in stored:
            if evidence.id not in known:
                known.add(evidence.id)
                request.files.append(RequestFile(evidence_id=evidence.id))
        request.response = response
        request.answered_by_id = actor.id
        request.answered_at = utcnow()
    return stored


def settle(request: MemberRequest, *, transition: str, reason: str | None,
           revision: int | None, actor: User) -> None:
    """The consultant closes the request, or asks again saying what is still missing."""
    if transition not in ("close", "ask_again"):
        raise DomainError(_l("Unknown change."))
    lock_row(request)
    check_revision(request, revision, REQUEST_CONFLICT)
    with REQUEST_FLOW.transition(request, transition, actor=actor, reason=reason):
        if transition == "close":
            request.closed_at = utcnow()


def blocking(assessment_id: int) -> list[MemberRequest]:
    """The unresolved requests the consultant said must be settled before sign-off."""
    return list(db.session.scalars(select(MemberRequest).where(
        MemberRequest.assessment_id == assessment_id,
        MemberRequest.blocks_sign_off.is_(True),
        MemberRequest.state.in_(REQUEST_FLOW.group("unresolved")))
        .order_by(MemberRequest.id)))
