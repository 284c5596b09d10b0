"""Reading corrective actions."""

from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from compliance.actions.models import CorrectiveAction
from compliance.actions.workflow import UNFINISHED
from compliance.extensions import db
from compliance.permissions import can_view_member, visible_member_ids


def visible_actions(user, *, status: str | None = None, overdue_on: date | None = None,  # noqa: ANN001
                    member_id: int | None = None) -> list[CorrectiveAction]:
    query = (select(CorrectiveAction)
             .options(joinedload(CorrectiveAction.member), joinedload(CorrectiveAction.owner))
             .order_by(CorrectiveAction.due_date, CorrectiveAction.id))
    member_ids = visible_member_ids(user)
    if member_ids is not None:
        query = query.where(CorrectiveAction.member_id.in_(member_ids))
    if member_id is not None:
        query = query.where(CorrectiveAction.member_id == member_id)
    if status == "unfinished":
        query = query.where(CorrectiveAction.status.in_(UNFINISHED))
    elif status:
        query = query.where(CorrectiveAction.status == status)
    if overdue_on is not None:
        query = query.where(CorrectiveAction.status.in_(UNFINISHED),
                            CorrectiveAction.due_date < overdue_on)
    return list(db.session.scalars(query))


def get_action_or_404(action_id: int, user) -> CorrectiveAction:  # noqa: ANN001
    action = db.session.scalar(
        select(CorrectiveAction).where(CorrectiveAction.id == action_id)
        .options(joinedload(CorrectiveAction.member), joinedload(CorrectiveAction.owner),
                 joinedload(CorrectiveAction.verdict), selectinload(CorrectiveAction.evidence)))
    if action is None or not can_view_member(user, action.member):
        abort(404)
    return action
