"""The JSON schemas of the answers (components/schemas of the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from compliance.api.core import ref, schemas

DATE = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}
TEXTS = {"type": "object", "additionalProperties": {"type": "string"},
         "description": "A text in each language of the manual (fr, nl, en)."}
SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 100}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(required),
            "properties": {**required, **optional}}


schemas(
    Problem=obj({"type": {"type": "string"}, "title": {"type": "string"},
                 "status": {"type": "integer"}}, detail={"type": "string"},
                field={"type": "string"}, scope={"type": "string"}),
    Member=obj({"id": {"type": "integer"}, "code": {"type": "string"},
                "name": {"type": "string"}, "enterprise_number": {"type": "string"},
                "region": {"type": "string"},
                "activities": {"type": "array", "items": {"type": "string"}}}),
    Progress=obj({"included": {"type": "integer"}, "answered": {"type": "integer"},
                  "to_confirm": {"type": "integer"},
                  "percent": {"type": "integer", "minimum": 0, "maximum": 100}}),
    AssessmentSummary=obj({
        "id": {"type": "integer"}, "state": {"type": "string"},
        "state_changed_at": MOMENT, "submitted_at": nullable(MOMENT),
        "campaign": obj({"id": {"type": "integer"}, "title": {"type": "string"},
                         "due_date": DATE}),
        "manual_version": {"type": "string"}, "progress": ref("Progress")}),
    ChapterResult=obj({"chapter": {"type": "string"}, "title": TEXTS,
                       "progress": ref("Progress"), "self_score": SCORE,
                       "consultant_score": SCORE}),
    Assessment={"allOf": [ref("AssessmentSummary"), obj({
        "self_score": SCORE, "consultant_score": SCORE,
        "readiness": {"type": ["string", "null"]},
        "chapters": {"type": "array", "items": ref("ChapterResult")}})]},
    Requirement=obj({"key": {"type": "string"}, "chapter": {"type": "string"},
                     "title": TEXTS, "evidence": TEXTS,
                     "criticality": {"type": "string", "enum": ["major", "minor"]},
                     "basis": {"type": ["string", "null"]},
                     "references": {"type": "array", "items": {"type": "string"}},
                     "period_months": {"type": ["integer", "null"]}}),
    Deadline=obj({"key": {"type": "string"}, "kind": {"type": "string", "enum": [
        "assessment_due", "review_due", "action_due", "evidence_expiry", "duty_due"]},
        "due": DATE, "subject": {"type": "string"}, "overdue": {"type": "boolean"}}),
    Duty=obj({"requirement": {"type": "string"}, "title": TEXTS,
              "period_months": {"type": "integer"}, "last_done": nullable(DATE),
              "next_due": DATE}),
    Evidence=obj({"id": {"type": "integer"}, "title": {"type": "string"},
                  "filename": {"type": "string"}, "media_type": {"type": "string"},
                  "size": {"type": "integer"}, "sha256": {"type": "string"},
                  "document_date": nullable(DATE), "expiry_date": nullable(DATE),
                  "version_note": {"type": ["string", "null"]},
                  "withdrawn": {"type": "boolean"}, "uploaded_at": MOMENT,
                  "supports": {"type": "array", "items": {"type": "string"},
                               "description": "Keys of the requirements it supports in "
                                              "the member's assessments."}}),
    Action=obj({"id": {"type": "integer"}, "assessment_id": {"type": "integer"},
                "requirement": {"type": "string"}, "severity": {"type": "string"},
                "description": {"type": "string"}, "due_date": DATE,
                "status": {"type": "string", "enum": [
                    "open", "in_progress", "done", "verified", "withdrawn"]},
                "closure_note": {"type": ["string", "null"]}, "done_at": nullable(MOMENT),
                "verified_at": nullable(MOMENT),
                "evidence": {"type": "array", "items": {"type": "integer"}}}),
)
