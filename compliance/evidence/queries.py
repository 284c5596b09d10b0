"""Reading a member's evidence."""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.permissions import can_view_evidence


def member_evidence_query(member_id: int) -> Select[tuple[Evidence]]:
    return select(Evidence).where(Evidence.member_id == member_id).order_by(
        Evidence.created_at.desc(), Evidence.id.desc())


def get_evidence_or_404(evidence_id: int, user) -> Evidence:  # noqa: ANN001
    evidence = db.session.scalar(select(Evidence).where(Evidence.id == evidence_id)
                                 .options(joinedload(Evidence.member)))
    if evidence is None or not can_view_evidence(user, evidence):
        abort(404)
    return evidence
