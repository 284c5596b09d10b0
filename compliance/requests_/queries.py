"""Reading requests to the member: a fixed number of queries per page."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compliance.auth.models import User
from compliance.extensions import db
from compliance.permissions import can_view_assessment, works_for
from compliance.requests_.models import MemberRequest, RequestFile
from compliance.requests_.workflow import REQUEST_FLOW


def get_request_or_404(request_id: int, user: User) -> MemberRequest:
    """A request its reader may see; another member's is not found."""
    request = db.session.get(MemberRequest, request_id)
    if request is None or not can_view_assessment(user, request.assessment):
        abort(404)
    return request


def of_assessment(assessment_id: int, *, unresolved_only: bool = False) -> list[MemberRequest]:
    query = (select(MemberRequest).where(MemberRequest.assessment_id == assessment_id)
             .options(selectinload(MemberRequest.files).joinedload(RequestFile.evidence))
             .order_by(MemberRequest.id))
    if unresolved_only:
        query = query.where(MemberRequest.state.in_(REQUEST_FLOW.group("unresolved")))
    return list(db.session.scalars(query))


def waiting_for(user: User) -> list[MemberRequest]:
    """The requests a member's person is asked to answer (their member's open ones)."""
    if not user.member_id or not works_for(user, user.member_id):
        return []
    return list(db.session.scalars(
        select(MemberRequest).where(
            MemberRequest.member_id == user.member_id,
            MemberRequest.state.in_(REQUEST_FLOW.group("waiting_for_member")))
        .options(selectinload(MemberRequest.assessment))
        .order_by(MemberRequest.asked_at, MemberRequest.id)))


def answered_for(user: User) -> list[MemberRequest]:
    """The answered requests a consultant asked and has not settled yet."""
    return list(db.session.scalars(
        select(MemberRequest).where(MemberRequest.asked_by_id == user.id,
                                    MemberRequest.state == "answered")
        .options(selectinload(MemberRequest.assessment))
        .order_by(MemberRequest.answered_at, MemberRequest.id)))
