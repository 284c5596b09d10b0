"""The life of a request to the member, as one table.

    (asked by the consultant)  open → answered   (the member answers: text and/or files)
                               answered → open   (the consultant asks again, saying why)
                               open / answered → closed   (the consultant has what was needed)
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from compliance.audit import log_event
from compliance.permissions import is_reviewer_of, template_predicate, works_for
from compliance.signals import request_transitioned
from compliance.workflow import Transition, Workflow

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.requests_.models import MemberRequest


class RequestState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


STATE_LABELS = {RequestState.OPEN: _l("Waiting for the member"),
                RequestState.ANSWERED: _l("Answered, to read"),
                RequestState.CLOSED: _l("Closed")}
EVENTS = {"answer": "request.answered", "ask_again": "request.asked_again",
          "close": "request.closed"}


def _member(user: User, request: MemberRequest) -> bool:
    return works_for(user, request.member_id)


def _reviewer(user: User, request: MemberRequest) -> bool:
    return is_reviewer_of(user, request.assessment.member)


def _record(request: MemberRequest, transition: Transition, before: dict[str, Any],
            actor: User | None, reason: str | None) -> None:
    log_event(EVENTS[transition.name], request, actor=actor, member_id=request.member_id,
              assessment_id=request.assessment_id, before=before,
              after={"requirement": request.requirement_key, **request.snapshot(),
                     "state": transition.target, "reason": reason})


REQUEST_FLOW: Workflow[RequestState] = Workflow(
    "request", states=RequestState, signal=request_transitioned, record=_record,
    groups={"unresolved": {RequestState.OPEN, RequestState.ANSWERED},
            "waiting_for_member": {RequestState.OPEN}},
    transitions=[
        Transition("answer", {RequestState.OPEN}, RequestState.ANSWERED, _member,
                   _l("This request is already answered or closed.")),
        Transition("ask_again", {RequestState.ANSWERED}, RequestState.OPEN, _reviewer,
                   _l("Only an answered request can be asked again."), reason_required=True,
                   reason_missing=_l("Say what is still missing: a reason is required.")),
        Transition("close", {RequestState.OPEN, RequestState.ANSWERED}, RequestState.CLOSED,
                   _reviewer, _l("This request is already closed.")),
    ])


@template_predicate
def can_answer_request(user: User, request: MemberRequest) -> bool:
    return REQUEST_FLOW.allows("answer", user, request)


@template_predicate
def can_settle_request(user: User, request: MemberRequest) -> bool:
    """Close it, or ask again: the consultant's side."""
    return _reviewer(user, request) and REQUEST_FLOW.is_in(request, "unresolved")
