"""Corrective actions: reading them, and marking one done with its proof (through the
actions' workflow, as the page does)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compliance.actions import services
from compliance.actions.models import CorrectiveAction
from compliance.api import forms, idempotency, paging
from compliance.api.core import (
    ID,
    IF_MATCH,
    api_operation,
    current_member_id,
    current_token,
    current_user,
    not_found,
    one_or_404,
    ref,
    require_unchanged,
)
from compliance.evidence import services as evidence_services
from compliance.evidence.models import Evidence
from compliance.extensions import db


def action_json(item: CorrectiveAction) -> dict[str, Any]:
    return {"id": item.id, "assessment_id": item.assessment_id,
            "requirement": item.requirement_key, "severity": item.severity,
            "description": item.description, "due_date": item.due_date.isoformat(),
            "status": str(item.status), "closure_note": item.closure_note,
            "done_at": item.done_at.isoformat() if item.done_at else None,
            "verified_at": item.verified_at.isoformat() if item.verified_at else None,
            "evidence": sorted(e.id for e in item.evidence)}


def _actions():
    return (select(CorrectiveAction)
            .where(CorrectiveAction.member_id == current_member_id())
            .options(selectinload(CorrectiveAction.evidence)))


STATUS = {"name": "status", "in": "query", "required": False,
          "schema": {"type": "string", "enum": ["open", "in_progress", "done", "verified",
                                                "withdrawn", "unfinished"]}}


@api_operation("GET", "/actions", scope="read", tag="actions",
               parameters=[STATUS, *paging.PARAMETERS],
               response=paging.page_schema(ref("Action")),
               summary="The member's corrective actions")
def list_actions():
    query = _actions()
    status = request.args.get("status")
    if status == "unfinished":
        query = query.where(CorrectiveAction.status.in_(["open", "in_progress"]))
    elif status:
        if status not in STATUS["schema"]["enum"]:
            raise forms.refused("status", _l("Unknown status."))
        query = query.where(CorrectiveAction.status == status)
    return paging.page_of_query(query, CorrectiveAction.id, action_json)


def member_action(action_id: int) -> CorrectiveAction:
    return one_or_404(_actions().where(CorrectiveAction.id == action_id))


@api_operation("GET", f"/actions/<{ID}:action_id>", scope="read", tag="actions",
               response=ref("Action"), summary="One corrective action")
def get_action(action_id: int):
    return action_json(member_action(action_id))


DONE_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["closure_note"],
    "properties": {
        "closure_note": {"type": "string", "minLength": 1, "maxLength": 4000,
                         "description": "What was done."},
        "evidence": {"type": "array", "items": {"type": "integer"},
                     "description": "Ids of the member's evidence that prove it."},
        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": "Proof files, stored as the member's evidence."},
        "proof_title": {"type": "string", "maxLength": 200}}}}}}


@api_operation("POST", f"/actions/<{ID}:action_id>/done", scope="evidence", tag="actions",
               response=ref("Action"), parameters=[idempotency.PARAMETER, IF_MATCH],
               request_body=DONE_BODY,
               summary="Mark a corrective action done, with what was done and its proof")
def complete_action(action_id: int):
    action = member_action(action_id)
    return idempotency.once(current_token().id, "complete_action", lambda: _complete(action))


def _complete(action: CorrectiveAction) -> tuple[dict[str, Any], int]:
    require_unchanged(action_json(action))  # a retry is answered before: it passes
    note = forms.text("closure_note", required=True, max_length=4000)
    ids = forms.listed("evidence")
    if not all(i.isdigit() and len(i) < 10 for i in ids):
        raise forms.refused("evidence", _l("evidence lists ids of the member's evidence."))
    chosen = list(db.session.scalars(select(Evidence).where(
        Evidence.id.in_({int(i) for i in ids}), Evidence.member_id == action.member_id)))
    if len(chosen) != len({int(i) for i in ids}):
        raise not_found()
    uploads = forms.files("file")
    if uploads:
        stored = evidence_services.upload_or_reuse(
            action.member, [evidence_services.Upload(f.filename, f.stream) for f in uploads],
            title=forms.text("proof_title"), document_date=None, expiry_date=None,
            version_note=None, actor=current_user())
        chosen += [e for e, _reused in stored if e not in chosen]
    services.complete_action(action, closure_note=note, evidence=chosen, actor=current_user())
    db.session.flush()
    return action_json(action), 200
