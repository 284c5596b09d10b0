"""What the three reports share: the fingerprint of their data, the language check,
rounding, the cover of an assessment's reports, the words for the codes in the data,
and ``render_report``, which finds the renderer of any report's data.

A report's data is plain frozen dataclasses built from the database: the builder reads
everything the report shows, in the chosen language for the manual's texts (titles;
labels are translated by the renderer), and returns data that needs nothing else to be
rendered or tested. Codes stay codes (``"partial"``, ``"major_nc"``, ``"pre_audited"``):
the renderer turns them into words through the app's label tables, so a report says what
the screens say; its labels come from the gettext catalogues (``render()`` forces the
report's language).

Each report's ``fingerprint`` is the SHA-256 of its data as canonical JSON (sorted keys,
no spaces, dates in ISO 8601), leaving out only the generation time: the same data gives
the same fingerprint, whenever and however often the report is generated, and any change
of what the report says changes it. Scores are rounded to one decimal first, so the
fingerprint does not depend on the database's floating-point arithmetic. ``as_of`` (the
day overdue actions and expired evidence are judged on) is data, and counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, TypeVar

from flask_babel import gettext as _
from reportlab.platypus import Flowable
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from compliance import clock
from compliance.actions.workflow import ACTION_STATUS_LABELS
from compliance.assessments.models import (
    STATUS_LABELS,
    Answer,
    AnswerEvidence,
    Assessment,
)
from compliance.assessments.workflow import STATE_LABELS
from compliance.extensions import db
from compliance.i18n import LANGUAGES, translated
from compliance.manual.basis import BASIS_HINTS, BASIS_LABELS
from compliance.manual.models import Chapter
from compliance.manual.queries import chapters_of
from compliance.members.models import REGION_LABELS
from compliance.profile import ACTIVITY_LABELS
from compliance.reports.listing import facts_table
from compliance.reports.pdf import BRAND, MUTED, ReportRenderer, para
from compliance.reviews.models import READINESS_LABELS, VERDICT_LABELS

if TYPE_CHECKING:
    from compliance.reports.pre_audit import PreAuditReportData
    from compliance.reports.self_assessment import SelfAssessmentReportData

SELF_COLOUR, CONSULTANT_COLOUR = MUTED, BRAND


class UnknownLanguage(ValueError):
    def __init__(self, language: str):
        super().__init__(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")


def checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise UnknownLanguage(language)
    return language


def rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


def generation_time() -> datetime:
    return datetime.now(UTC)


def as_of(now: datetime | None) -> date:
    """The day a report speaks of: the clock's (Brussels), or a given moment's."""
    return clock.today() if now is None else now.date()


def _plain(value: object) -> object:
    if is_dataclass(value):
        return vars(value)  # the nested dataclasses cache nothing: their fields only
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in report data")


class Fingerprinted:
    """The fingerprint of a report's data (see the module docstring)."""

    kind: ClassVar[str]

    def canonical_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self)  # type: ignore[arg-type]
                if f.name != "generated_at"}
        data["report"] = self.kind
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                          default=_plain)

    @cached_property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


# from a report's data to its PDF ------------------------------------------------------

RENDERERS: dict[type, type[ReportRenderer]] = {}
Renderer = TypeVar("Renderer", bound=type[ReportRenderer])


def renders(data_class: type) -> Callable[[Renderer], Renderer]:
    """Class decorator: the renderer of ``data_class``. A report's dataclass and its
    renderer are in one module, so whoever holds a report's data can have it rendered."""
    def register(renderer: Renderer) -> Renderer:
        RENDERERS[data_class] = renderer
        return renderer
    return register


def render_report(data: Fingerprinted) -> bytes:
    return RENDERERS[type(data)](data).render()


# the cover of an assessment's reports ------------------------------------------------

@dataclass(frozen=True)
class AssessmentCover:
    member_code: str
    member_name: str
    enterprise_number: str
    region: str
    activities: tuple[str, ...]
    campaign_title: str
    campaign_due: date
    manual_title: str
    manual_version: str
    state: str
    started_on: datetime
    state_changed_at: datetime | None
    submitted_at: datetime | None
    submitted_by: str | None


def assessment_chapters(assessment: Assessment) -> list[Chapter]:
    return chapters_of(assessment.campaign.manual_version_id)


def assessment_answers(assessment: Assessment) -> list[Answer]:
    """The assessment's answers, in manual order, with what the reports show of each."""
    return list(db.session.scalars(
        select(Answer).where(Answer.assessment_id == assessment.id)
        .options(joinedload(Answer.requirement), joinedload(Answer.verdict),
                 selectinload(Answer.evidence_links).joinedload(AnswerEvidence.evidence))
        .order_by(Answer.position)).unique())


def assessment_cover(assessment: Assessment, language: str) -> AssessmentCover:
    member, campaign = assessment.member, assessment.campaign
    version = campaign.manual_version
    return AssessmentCover(
        member_code=member.code, member_name=member.name,
        enterprise_number=member.enterprise_number, region=member.region,
        activities=tuple(member.activities), campaign_title=campaign.title_in(language),
        campaign_due=campaign.due_date, manual_title=translated(version.title, language),
        manual_version=version.version, state=assessment.state,
        started_on=assessment.created_at, state_changed_at=assessment.state_changed_at,
        submitted_at=assessment.submitted_at,
        submitted_by=assessment.submitted_by.name if assessment.submitted_by else None)


# the words for the codes in the data ---------------------------------------------------

class Words:
    """The words for the codes in the data, translated once per report (a long report
    shows the same few labels hundreds of times)."""

    def __init__(self) -> None:
        def words(table: dict) -> dict[str | None, str]:
            return {getattr(code, "value", code): str(text) for code, text in table.items()}

        self.state = words(STATE_LABELS) | {None: "—"}
        self.status = words(STATUS_LABELS) | {None: _("Not answered")}
        self.verdict = words(VERDICT_LABELS) | {None: _("No verdict.")}
        self.readiness = words(READINESS_LABELS) | {None: "—"}
        self.action_status = words(ACTION_STATUS_LABELS)
        self.region = words(REGION_LABELS)
        self.activity = words(ACTIVITY_LABELS)
        self.criticality = {"major": _("Major"), "minor": _("Minor")}
        self.basis = words(BASIS_LABELS)
        self.basis_hint = words(BASIS_HINTS)
        self.audit = {
            "assessment.created": _("Assessment created"),
            "answer.saved": _("Answers saved"),
            "answer.included": _("Requirements taken back in"),
            "evidence.linked": _("Evidence linked to answers"),
            "evidence.unlinked": _("Evidence removed from answers"),
            "verdict.saved": _("Verdicts saved"),
            "pre_audit.completed": _("Pre-audit completed"),
            "action.opened": _("Corrective actions opened"),
            "action.updated": _("Corrective actions changed"),
            "action.started": _("Corrective actions started"),
            "action.done": _("Corrective actions done"),
            "action.verified": _("Corrective actions verified"),
            "action.reopened": _("Corrective actions reopened"),
        }


def word(table: dict[str | None, str], code: str | None) -> str:
    """The word for a code; the code itself if the table does not know it."""
    return table.get(code, code or "—")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}\u00a0%"


class WordsMixin:
    words: Words

    def labelled(self, label: str, text: str) -> str:
        """"Label: text", with the space French puts before the colon."""
        colon = "\u00a0: " if self.language == "fr" else ": "  # type: ignore[attr-defined]
        return f"{label}{colon}{text}"


class AssessmentReport(WordsMixin, ReportRenderer):
    """What the self-assessment and pre-audit reports share: the cover."""

    data: SelfAssessmentReportData | PreAuditReportData

    def running_title(self) -> str:
        cover = self.data.cover
        return f"{self.title()} · {cover.member_code} · {cover.campaign_title}"

    def subject(self) -> str:
        cover = self.data.cover
        return f"{cover.member_name} ({cover.member_code}) — {cover.campaign_title}"

    def cover_title(self) -> list[Flowable]:
        cover = self.data.cover
        return [para(self.title(), "cover_title"),
                para(f"{cover.member_name} · {cover.campaign_title}", "cover_subtitle")]

    def cover_facts(self, cover: AssessmentCover) -> Flowable:
        activities = ", ".join(word(self.words.activity, a) for a in cover.activities)
        submitted = "—"
        if cover.submitted_at:
            submitted = _("Submitted by %(name)s on %(date)s.",
                          name=cover.submitted_by or _("system"),
                          date=self.day(cover.submitted_at))
        version = _("version %(version)s", version=cover.manual_version)
        state_day = self.day(cover.state_changed_at or cover.started_on)
        return facts_table([
            (_("Member"), f"{cover.member_name} ({cover.member_code})"),
            (_("Enterprise number"), cover.enterprise_number),
            (_("Region"), word(self.words.region, cover.region)),
            (_("Activity profile"), activities or "—"),
            (_("Campaign"), cover.campaign_title),
            (_("Due date"), self.day(cover.campaign_due)),
            (_("Manual version"), f"{cover.manual_title} — {version}"),
            (_("State"), f"{word(self.words.state, cover.state)} ({state_day})"),
            (_("Submission"), submitted),
        ])

    def requirement_cell(self, key: str, title: str, criticality: str | None = None,
                         basis: str | None = None) -> str:
        if criticality is not None:
            key = f"{key} · {self.words.criticality.get(criticality, criticality)}"
        if basis is not None:
            key = f"{key} · {self.words.basis.get(basis, basis)}"
        return f"{key}\n{title}"

    def basis_legend(self) -> str:
        """What the basis after a requirement's key means (a good practice is no legal
        duty); empty when the manual states no basis."""
        return " · ".join(f"{self.words.basis[code]}: {self.words.basis_hint[code]}"
                          for code in BASIS_LABELS)
