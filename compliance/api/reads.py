"""Reading: the member's profile, its assessments, the requirements that apply to it,
its deadlines and recurring duties. Every read is limited to the token's member."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from compliance import clock
from compliance.api import paging
from compliance.api.core import ID, api_operation, current_member_id, one_or_404, ref
from compliance.api.schemas import obj
from compliance.assessments.models import Assessment
from compliance.assessments.queries import Progress, progress_by_chapter, total_progress
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.i18n import DEFAULT_LANGUAGE
from compliance.manual.models import Chapter, Requirement
from compliance.manual.queries import chapters_of, latest_version
from compliance.members.models import Member
from compliance.profile import applies
from compliance.reminders.deadlines import Scope, collect_deadlines
from compliance.reminders.duties import member_duties
from compliance.reminders.services import policy_from_config
from compliance.reviews.scores import scorecard

READ = "read"


def member() -> Member:
    return db.session.get(Member, current_member_id())


def member_json(item: Member) -> dict[str, Any]:
    return {"id": item.id, "code": item.code, "name": item.name,
            "enterprise_number": item.enterprise_number, "region": item.region,
            "activities": list(item.activities)}


@api_operation("GET", "/member", scope=READ, tag="member", response=ref("Member"),
               summary="The token's member: its profile")
def get_member():
    return member_json(member())


def progress_json(progress: Progress) -> dict[str, int]:
    return {"included": progress.included, "answered": progress.answered,
            "to_confirm": progress.to_confirm, "percent": progress.percent}


def assessment_json(item: Assessment, progress: dict) -> dict[str, Any]:
    campaign = item.campaign
    return {"id": item.id, "state": str(item.state),
            "state_changed_at": item.state_changed_at.isoformat(),
            "submitted_at": item.submitted_at.isoformat() if item.submitted_at else None,
            "campaign": {"id": campaign.id, "title": campaign.title,
                         "due_date": campaign.due_date.isoformat()},
            "manual_version": campaign.manual_version.version,
            "progress": progress_json(total_progress(progress, item.id))}


def _assessments():
    return (select(Assessment).where(Assessment.member_id == current_member_id())
            .options(joinedload(Assessment.campaign).joinedload(Campaign.manual_version)))


@api_operation("GET", "/assessments", scope=READ, tag="assessments",
               parameters=paging.PARAMETERS, response=paging.page_schema(ref("AssessmentSummary")),
               summary="The member's assessments: state and progress")
def list_assessments():
    page = paging.page_of_query(_assessments(), Assessment.id, lambda a: a)
    progress = progress_by_chapter([a.id for a in page.items])
    return paging.Page([assessment_json(a, progress) for a in page.items], page.next_cursor)


@api_operation("GET", f"/assessments/<{ID}:assessment_id>",
               scope=READ, tag="assessments", response=ref("Assessment"),
               summary="One assessment: state, progress and scores by chapter")
def get_assessment(assessment_id: int):
    item = one_or_404(_assessments().where(Assessment.id == assessment_id))
    progress = progress_by_chapter([item.id])
    card = scorecard(item)
    chapters = []
    for chapter in chapters_of(item.campaign.manual_version_id):
        scores = card.chapters.get(str(chapter.id))
        chapters.append({
            "chapter": chapter.key, "title": dict(chapter.title),
            "progress": progress_json(progress.get((item.id, chapter.id), Progress())),
            "self_score": _rounded(scores.self_score if scores else None),
            "consultant_score": _rounded(scores.consultant_score if scores else None)})
    return {**assessment_json(item, progress), "self_score": _rounded(card.self_score),
            "consultant_score": _rounded(card.consultant_score),
            "readiness": card.readiness.value if card.readiness else None,
            "chapters": chapters}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def requirement_json(pair: tuple[Requirement, Chapter]) -> dict[str, Any]:
    requirement, chapter = pair
    return {"key": requirement.key, "chapter": chapter.key, "title": dict(requirement.title),
            "evidence": dict(requirement.evidence or {}), "criticality": requirement.criticality,
            "basis": requirement.basis, "references": list(requirement.references or []),
            "period_months": requirement.period_months}


@api_operation("GET", "/requirements", scope=READ, tag="manual", parameters=paging.PARAMETERS,
               response=paging.page_schema(ref("Requirement")),
               summary="The requirements of the current manual that apply to the member")
def list_requirements():
    version = latest_version()
    rows: list[tuple[Requirement, Chapter]] = []
    if version is not None:
        activities = member().activities
        rows = [(r, c) for r, c in db.session.execute(
            select(Requirement, Chapter).join(Chapter, Chapter.id == Requirement.chapter_id)
            .where(Requirement.manual_version_id == version.id)
            .order_by(Requirement.position)) if applies(r.applies_to, activities)]
    return paging.page_of_list(rows, requirement_json)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


@api_operation("GET", "/deadlines", scope=READ, tag="deadlines", parameters=paging.PARAMETERS,
               response=paging.page_schema(ref("Deadline")),
               summary="The member's deadlines, soonest first (the reminders' own list)")
def list_deadlines():
    today, language = clock.today(), _language()
    deadlines = sorted(collect_deadlines(today, policy_from_config(),
                                         Scope.member(current_member_id())),
                       key=lambda d: (d.due, d.key))
    return paging.page_of_list(deadlines, lambda d: {
        "key": d.key, "kind": d.kind, "due": d.due.isoformat(),
        "subject": d.subject_in(language), "overdue": d.due < today})


@api_operation("GET", "/duties", scope=READ, tag="deadlines",
               response=obj({"items": {"type": "array", "items": ref("Duty")}}),
               summary="The member's recurring duties: when last done, when next due")
def list_duties():
    rows = member_duties(member(), clock.today())
    return {"items": [{"requirement": row.requirement.key, "title": dict(row.requirement.title),
                       "period_months": row.requirement.period_months,
                       "last_done": row.last_done.isoformat() if row.last_done else None,
                       "next_due": row.next_due.isoformat()} for row in rows]}
