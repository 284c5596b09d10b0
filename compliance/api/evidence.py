"""Writing evidence: a file with its metadata and the requirements it supports, checked
as in the pages (compliance.evidence.services), once per Idempotency-Key."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compliance.api import forms, idempotency
from compliance.api.core import (
    ID,
    api_operation,
    current_member_id,
    current_token,
    current_user,
    one_or_404,
    ref,
)
from compliance.assessments import services as assessment_services
from compliance.assessments.models import Answer, Assessment
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.evidence import services
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.members.models import Member

EVIDENCE = "evidence"


def evidence_json(item: Evidence) -> dict[str, Any]:
    return {"id": item.id, "title": item.title, "filename": item.filename,
            "media_type": item.media_type, "size": item.size, "sha256": item.sha256,
            "document_date": item.document_date.isoformat() if item.document_date else None,
            "expiry_date": item.expiry_date.isoformat() if item.expiry_date else None,
            "version_note": item.version_note, "withdrawn": item.withdrawn,
            "uploaded_at": item.created_at.isoformat(),
            "supports": sorted({a.requirement_key for a in item.supports})}


def member_evidence(evidence_id: int) -> Evidence:
    return one_or_404(select(Evidence).where(
        Evidence.id == evidence_id, Evidence.member_id == current_member_id())
        .options(selectinload(Evidence.supports)))


@api_operation("GET", f"/evidence/<{ID}:evidence_id>", scope="read", tag="evidence",
               response=ref("Evidence"), summary="One evidence file's record")
def get_evidence(evidence_id: int):
    return evidence_json(member_evidence(evidence_id))


def answers_for(keys: list[str]) -> list[Answer]:
    """For each key, the answer in the member's newest assessment still open to changes."""
    if not keys:
        return []
    rows = db.session.scalars(
        select(Answer).join(Assessment, Assessment.id == Answer.assessment_id)
        .where(Assessment.member_id == current_member_id(),
               Assessment.state.in_(ASSESSMENT_FLOW.group("editable")),
               Answer.requirement_key.in_(keys))
        .options(selectinload(Answer.evidence_links))
        .order_by(Assessment.id.desc()))
    chosen: dict[str, Answer] = {}
    for answer in rows:
        chosen.setdefault(answer.requirement_key, answer)
    missing = [k for k in keys if k not in chosen]
    if missing:
        raise forms.refused("requirements", _l(
            "No assessment open to changes has the requirement %(keys)s: evidence can "
            "support a requirement of an assessment in progress only.",
            keys=", ".join(missing)))
    return [chosen[k] for k in dict.fromkeys(keys)]


UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "PDF, image or office document (the same checks as the pages)."},
        "title": {"type": "string", "maxLength": 200},
        "document_date": {"type": "string", "format": "date"},
        "expiry_date": {"type": "string", "format": "date"},
        "version_note": {"type": "string", "maxLength": 200},
        "requirements": {"type": "array", "items": {"type": "string"},
                         "description": "Keys of the requirements it supports (in the "
                                        "member's assessment open to changes)."}}}}}}


@api_operation("POST", "/evidence", scope=EVIDENCE, tag="evidence", status=201,
               response=ref("Evidence"), parameters=[idempotency.PARAMETER],
               request_body=UPLOAD_BODY, extra_responses={"200": {
                   "description": "The member already had this file: that evidence is used "
                                  "(and linked), the file is not stored twice",
                   "content": {"application/json": {"schema": ref("Evidence")}}}},
               summary="Upload an evidence file, with the requirements it supports")
def upload_evidence():
    return idempotency.once(current_token().id, "upload_evidence", _upload)


def _upload() -> tuple[dict[str, Any], int]:
    chosen = forms.files("file")
    if len(chosen) != 1:
        raise forms.refused("file", _l("Send exactly one file, in the field “file”."))
    title = forms.text("title")
    document_date, expiry_date = forms.day("document_date"), forms.day("expiry_date")
    version_note = forms.text("version_note") or None
    answers = answers_for(forms.listed("requirements"))
    member = db.session.get(Member, current_member_id())
    ((item, reused),) = services.upload_or_reuse(
        member, [services.Upload(chosen[0].filename, chosen[0].stream)], title=title,
        document_date=document_date, expiry_date=expiry_date, version_note=version_note,
        actor=current_user())
    for answer in answers:
        if all(link.evidence_id != item.id for link in answer.evidence_links):
            assessment_services.link_evidence(answer, item, actor=current_user())
    db.session.flush()
    db.session.refresh(item)
    return {**evidence_json(item), "reused": reused}, 200 if reused else 201
