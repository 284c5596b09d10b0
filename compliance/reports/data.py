"""What each report says, as plain frozen dataclasses built from the database.

The builders read everything a report shows, in the chosen language for the manual's
texts (titles; labels are translated by the renderer), and return data that needs
nothing else to be rendered or tested. Codes stay codes (``"partial"``, ``"major_nc"``,
``"pre_audited"``): the renderer turns them into words.

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
from collections import defaultdict
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from statistics import mean
from typing import ClassVar

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from compliance.actions.models import CorrectiveAction
from compliance.assessments.models import Answer, AnswerEvidence, Assessment, State, Status
from compliance.audit import AuditEvent
from compliance.campaigns.models import Campaign
from compliance.dashboard.sector import REVIEWED, sector_picture
from compliance.extensions import db
from compliance.i18n import LANGUAGES, translated
from compliance.manual.models import Chapter, Requirement
from compliance.manual.queries import chapters_of
from compliance.members.models import Member
from compliance.reviews.models import AssessmentScore
from compliance.reviews.scores import scorecard
from compliance.scoring import Readiness

SEVERITIES = ("major_nc", "minor_nc", "observation")  # findings, most severe first
SCORE_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


class UnknownLanguage(ValueError):
    def __init__(self, language: str):
        super().__init__(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")


def checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise UnknownLanguage(language)
    return language


def rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


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


# the self-assessment report ----------------------------------------------------------

@dataclass(frozen=True)
class EvidenceLine:
    title: str
    filename: str
    document_date: date | None
    expiry_date: date | None
    sha256: str
    withdrawn: bool


@dataclass(frozen=True)
class AnswerLine:
    key: str
    title: str
    criticality: str
    references: tuple[str, ...]
    status: str | None  # None: not answered
    to_confirm: bool  # carried over from an earlier campaign, not confirmed yet
    comment: str | None
    justification: str | None  # why it does not apply
    inclusion_justification: str | None  # why the member took it back in
    evidence: tuple[EvidenceLine, ...]


@dataclass(frozen=True)
class ChapterAnswers:
    key: str
    title: str
    self_score: float | None
    applicable: int
    answered: int
    answers: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class OpenItem:
    key: str
    title: str
    chapter_key: str
    reason: str  # unanswered | to_confirm | not_compliant | partial


@dataclass(frozen=True)
class SelfAssessmentReportData(Fingerprinted):
    kind: ClassVar[str] = "self_assessment"

    language: str
    generated_at: datetime
    as_of: date
    cover: AssessmentCover
    self_score: float | None
    applicable: int
    answered: int
    not_applicable_by_profile: int
    chapters: tuple[ChapterAnswers, ...]
    open_items: tuple[OpenItem, ...]


# the pre-audit report ----------------------------------------------------------------

@dataclass(frozen=True)
class ChapterComparison:
    key: str
    title: str
    self_score: float | None
    consultant_score: float | None

    @property
    def gap(self) -> float | None:
        if self.self_score is None or self.consultant_score is None:
            return None
        return round(self.self_score - self.consultant_score, 1)


@dataclass(frozen=True)
class Finding:
    severity: str  # major_nc | minor_nc | observation
    key: str
    title: str
    chapter_key: str
    references: tuple[str, ...]
    self_status: str | None
    comment: str | None
    change_request: str | None


@dataclass(frozen=True)
class VerdictLine:
    key: str
    title: str
    chapter_key: str
    criticality: str
    self_status: str | None
    verdict: str | None
    reason: str | None  # why the consultant found it not applicable


@dataclass(frozen=True)
class ActionLine:
    key: str
    severity: str
    description: str
    owner: str | None
    due_date: date
    status: str
    overdue: bool
    closure_note: str | None


@dataclass(frozen=True)
class SignOff:
    consultant: str | None
    started_at: datetime | None
    completed_at: datetime | None
    signed_by_name: str | None
    signed_on: date | None


@dataclass(frozen=True)
class StateChange:
    at: datetime
    actor: str | None  # None: the system
    before: str | None
    after: str
    reason: str | None


@dataclass(frozen=True)
class TrailLine:
    """Events of one kind by one person: how many, first and last."""

    actor: str | None
    action: str
    count: int
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True)
class PreAuditReportData(Fingerprinted):
    kind: ClassVar[str] = "pre_audit"

    language: str
    generated_at: datetime
    as_of: date
    cover: AssessmentCover
    completed: bool  # False: a reviewer's preview
    readiness: str | None
    self_score: float | None
    consultant_score: float | None
    calibration_gap: float | None
    open_major: int
    disagreements: int
    chapters: tuple[ChapterComparison, ...]
    findings: tuple[Finding, ...]
    actions: tuple[ActionLine, ...]
    sign_off: SignOff
    state_changes: tuple[StateChange, ...]
    trail: tuple[TrailLine, ...]
    verdicts: tuple[VerdictLine, ...]

    def findings_of(self, severity: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == severity)


# the sector report -------------------------------------------------------------------

@dataclass(frozen=True)
class SectorMember:
    code: str
    name: str | None  # None when anonymised
    enterprise_number: str | None  # None when anonymised
    region: str
    state: str
    progress: int  # percent of applicable requirements answered
    self_score: float | None
    consultant_score: float | None
    readiness: str | None  # only once pre-audited
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class ChapterHeat:
    key: str
    title: str
    self_rate: float | None
    consultant_rate: float | None
    members: int


@dataclass(frozen=True)
class FrequentGap:
    key: str
    title: str
    references: tuple[str, ...]
    nonconformities: int
    self_gaps: int


@dataclass(frozen=True)
class OverdueAction:
    member_code: str
    member_name: str | None  # None when anonymised
    key: str
    title: str
    severity: str
    due_date: date
    status: str


@dataclass(frozen=True)
class CampaignTrend:
    title: str
    due_date: date
    members: int
    submitted: int  # submitted, in pre-audit or pre-audited
    pre_audited: int
    mean_self: float | None
    mean_consultant: float | None
    ready: int


@dataclass(frozen=True)
class SectorReportData(Fingerprinted):
    kind: ClassVar[str] = "sector"

    language: str
    generated_at: datetime
    as_of: date
    campaign_title: str
    campaign_due: date
    manual_title: str
    manual_version: str
    anonymised: bool
    scope: str  # "all" or "assigned" (a consultant's members)
    states: tuple[tuple[str, int], ...]
    readiness: tuple[tuple[str, int], ...]
    score_bands: tuple[tuple[str, int], ...]
    heat: tuple[ChapterHeat, ...]
    gaps: tuple[FrequentGap, ...]
    overdue: tuple[OverdueAction, ...]
    overdue_total: int
    trend: tuple[CampaignTrend, ...]
    members: tuple[SectorMember, ...]

    @property
    def pre_audited(self) -> int:
        return sum(n for _, n in self.readiness)


def band_label(low: int, high: int) -> str:
    return f"{low}–{min(high, 100)}"


def score_bands(scores: list[float]) -> tuple[tuple[str, int], ...]:
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for value in scores:
        counts[next(b for b in SCORE_BANDS if b[0] <= value < b[1])] += 1
    return tuple((band_label(*b), counts[b]) for b in SCORE_BANDS)



# builders: from the database to the dataclasses ---------------------------------------

def _now() -> datetime:
    return datetime.now(UTC)


def _chapters(assessment: Assessment) -> list[Chapter]:
    return chapters_of(assessment.campaign.manual_version_id)


def _answers(assessment: Assessment) -> list[Answer]:
    """The assessment's answers, in manual order, with what the reports show of each."""
    return list(db.session.scalars(
        select(Answer).where(Answer.assessment_id == assessment.id)
        .options(joinedload(Answer.requirement), joinedload(Answer.verdict),
                 selectinload(Answer.evidence_links).joinedload(AnswerEvidence.evidence))
        .order_by(Answer.position)).unique())


def _cover(assessment: Assessment, language: str) -> AssessmentCover:
    member, campaign = assessment.member, assessment.campaign
    version = campaign.manual_version
    return AssessmentCover(
        member_code=member.code, member_name=member.name,
        enterprise_number=member.enterprise_number, region=member.region,
        activities=tuple(member.activities), campaign_title=campaign.title,
        campaign_due=campaign.due_date, manual_title=translated(version.title, language),
        manual_version=version.version, state=assessment.state,
        started_on=assessment.created_at, state_changed_at=assessment.state_changed_at,
        submitted_at=assessment.submitted_at,
        submitted_by=assessment.submitted_by.name if assessment.submitted_by else None)


def _evidence_line(link: AnswerEvidence) -> EvidenceLine:
    e = link.evidence
    return EvidenceLine(title=e.title, filename=e.filename, document_date=e.document_date,
                        expiry_date=e.expiry_date, sha256=e.sha256, withdrawn=e.withdrawn)


def _answer_line(answer: Answer, language: str) -> AnswerLine:
    requirement = answer.requirement
    return AnswerLine(
        key=answer.requirement_key, title=translated(requirement.title, language),
        criticality=requirement.criticality, references=tuple(requirement.references),
        status=answer.status, to_confirm=answer.to_confirm, comment=answer.comment,
        justification=answer.justification,
        inclusion_justification=answer.inclusion_justification
        if not answer.applicable_by_profile else None,
        evidence=tuple(_evidence_line(link) for link in answer.evidence_links))


def _open_reason(answer: Answer) -> str | None:
    if answer.status is None:
        return "unanswered"
    if answer.to_confirm:
        return "to_confirm"
    if answer.status in (Status.NOT_COMPLIANT, Status.PARTIAL):
        return answer.status
    return None


def build_self_assessment_report(assessment: Assessment, language: str, *,
                                 now: datetime | None = None) -> SelfAssessmentReportData:
    """The member's answers, chapter by chapter, with scores, evidence and open items."""
    language = checked_language(language)
    now = now or _now()
    card = scorecard(assessment)
    answers = [a for a in _answers(assessment) if a.included]
    by_chapter: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_chapter[answer.chapter_id].append(answer)
    chapters = []
    keys = {}
    for chapter in _chapters(assessment):
        keys[chapter.id] = chapter.key
        own = by_chapter[chapter.id]
        score = card.chapters.get(str(chapter.id))
        chapters.append(ChapterAnswers(
            key=chapter.key, title=translated(chapter.title, language),
            self_score=rounded(score.self_score if score else None), applicable=len(own),
            answered=sum(a.answered for a in own),
            answers=tuple(_answer_line(a, language) for a in own)))
    open_items = tuple(
        OpenItem(a.requirement_key, translated(a.requirement.title, language),
                 keys.get(a.chapter_id, ""), reason)
        for a in answers if (reason := _open_reason(a)) is not None)
    total = db.session.scalar(select(func.count()).select_from(Answer).where(
        Answer.assessment_id == assessment.id)) or 0
    return SelfAssessmentReportData(
        language=language, generated_at=now, as_of=now.date(),
        cover=_cover(assessment, language), self_score=rounded(card.self_score),
        applicable=len(answers), answered=sum(a.answered for a in answers),
        not_applicable_by_profile=total - len(answers), chapters=tuple(chapters),
        open_items=open_items)


def build_pre_audit_report(assessment: Assessment, language: str, *,
                           now: datetime | None = None) -> PreAuditReportData:
    """The consultant's review: readiness, scores side by side, findings, actions,
    sign-off and a summary of the audit trail. A preview (``completed`` False) while
    the pre-audit is not completed."""
    language = checked_language(language)
    now = now or _now()
    card = scorecard(assessment)
    answers = [a for a in _answers(assessment) if a.included]
    chapters = _chapters(assessment)
    keys = {c.id: c.key for c in chapters}
    comparisons = tuple(
        ChapterComparison(c.key, translated(c.title, language),
                          rounded(s.self_score) if (s := card.chapters.get(str(c.id))) else None,
                          rounded(s.consultant_score) if s else None)
        for c in chapters)
    pre_audit = assessment.pre_audit
    return PreAuditReportData(
        language=language, generated_at=now, as_of=now.date(),
        cover=_cover(assessment, language),
        completed=assessment.state_enum == State.PRE_AUDITED,
        readiness=card.readiness.value if card.readiness else None,
        self_score=rounded(card.self_score), consultant_score=rounded(card.consultant_score),
        calibration_gap=rounded(card.calibration_gap), open_major=card.open_major,
        disagreements=len(card.disagreements), chapters=comparisons,
        findings=_findings(answers, keys, language),
        actions=_actions(assessment, now.date()),
        sign_off=SignOff(
            consultant=pre_audit.consultant.name if pre_audit and pre_audit.consultant
            else None,
            started_at=pre_audit.started_at if pre_audit else None,
            completed_at=pre_audit.completed_at if pre_audit else None,
            signed_by_name=pre_audit.signed_by_name if pre_audit else None,
            signed_on=pre_audit.signed_on if pre_audit else None),
        state_changes=_state_changes(assessment), trail=_trail(assessment),
        verdicts=tuple(_verdict_line(a, keys, language) for a in answers))


def _findings(answers: list[Answer], keys: dict[int, str],
              language: str) -> tuple[Finding, ...]:
    found = [a for a in answers if a.verdict and a.verdict.verdict in SEVERITIES]
    found.sort(key=lambda a: (SEVERITIES.index(a.verdict.verdict), a.position))
    return tuple(Finding(
        severity=a.verdict.verdict, key=a.requirement_key,
        title=translated(a.requirement.title, language), chapter_key=keys.get(a.chapter_id, ""),
        references=tuple(a.requirement.references),
        self_status=None if a.to_confirm else a.status, comment=a.verdict.comment,
        change_request=a.verdict.change_request) for a in found)


def _verdict_line(answer: Answer, keys: dict[int, str], language: str) -> VerdictLine:
    verdict = answer.verdict
    return VerdictLine(
        key=answer.requirement_key, title=translated(answer.requirement.title, language),
        chapter_key=keys.get(answer.chapter_id, ""),
        criticality=answer.requirement.criticality,
        self_status=None if answer.to_confirm else answer.status,
        verdict=verdict.verdict if verdict else None,
        reason=verdict.reason if verdict else None)


def _actions(assessment: Assessment, today: date) -> tuple[ActionLine, ...]:
    actions = db.session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.assessment_id == assessment.id)
        .options(joinedload(CorrectiveAction.owner))
        .order_by(CorrectiveAction.due_date, CorrectiveAction.requirement_key))
    return tuple(ActionLine(
        key=a.requirement_key, severity=a.severity, description=a.description,
        owner=a.owner.name if a.owner else None, due_date=a.due_date, status=a.status,
        overdue=a.overdue_on(today), closure_note=a.closure_note) for a in actions)


def _events(assessment: Assessment) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.assessment_id == assessment.id)
        .order_by(AuditEvent.id)))


def _state_changes(assessment: Assessment) -> tuple[StateChange, ...]:
    return tuple(StateChange(
        at=e.at, actor=e.actor.name if e.actor else None,
        before=(e.before or {}).get("state"), after=(e.after or {}).get("state", ""),
        reason=(e.after or {}).get("reason"))
        for e in _events(assessment) if e.action == "assessment.state")


def _trail(assessment: Assessment) -> tuple[TrailLine, ...]:
    groups: dict[tuple[str | None, str], list[datetime]] = defaultdict(list)
    for event in _events(assessment):
        groups[(event.actor.name if event.actor else None, event.action)].append(event.at)
    lines = [TrailLine(actor, action, len(times), min(times), max(times))
             for (actor, action), times in groups.items()]
    return tuple(sorted(lines, key=lambda line: (line.first_at, line.action)))


def build_sector_report(campaign: Campaign, language: str, anonymised: bool = True, *,
                        member_ids: list[int] | None = None, today: date | None = None,
                        now: datetime | None = None) -> SectorReportData:
    """The sector's readiness in one campaign; ``member_ids`` limits it to a
    consultant's members (None: every member). Anonymised, it holds member codes and
    no names or enterprise numbers anywhere."""
    language = checked_language(language)
    now = now or _now()
    today = today or now.date()
    picture = sector_picture(campaign, member_ids=member_ids, region=None, activity=None,
                             today=today)
    audited = [r for r in picture.rows if r.state == State.PRE_AUDITED]
    version = campaign.manual_version
    return SectorReportData(
        language=language, generated_at=now, as_of=today, campaign_title=campaign.title,
        campaign_due=campaign.due_date, manual_title=translated(version.title, language),
        manual_version=version.version, anonymised=anonymised,
        scope="all" if member_ids is None else "assigned",
        states=tuple((s.value, picture.states.get(s.value, 0)) for s in State),
        readiness=tuple((r.value, sum(m.readiness == r.value for m in audited))
                        for r in Readiness),
        score_bands=score_bands([m.consultant_score for m in audited
                                 if m.consultant_score is not None]),
        heat=tuple(ChapterHeat(h.chapter.key, translated(h.chapter.title, language),
                               rounded(h.self_rate), rounded(h.consultant_rate), h.members)
                   for h in picture.heat),
        gaps=tuple(FrequentGap(g.requirement.key, translated(g.requirement.title, language),
                               tuple(g.requirement.references), g.nonconformities, g.self_gaps)
                   for g in picture.gaps),
        overdue=_overdue(picture.overdue, version.id, language, anonymised),
        overdue_total=picture.overdue_total,
        trend=_trend(campaign, member_ids),
        members=_sector_members(picture.rows, anonymised))


def _sector_members(rows, anonymised: bool) -> tuple[SectorMember, ...]:  # noqa: ANN001
    numbers = {} if anonymised else dict(db.session.execute(
        select(Member.id, Member.enterprise_number)).all())
    return tuple(SectorMember(
        code=row.code, name=None if anonymised else row.name,
        enterprise_number=numbers.get(row.member_id),
        region=row.region, state=row.state, progress=row.percent,
        self_score=rounded(row.self_score), consultant_score=rounded(row.consultant_score),
        readiness=row.readiness if row.state == State.PRE_AUDITED else None,
        open_actions=row.open_actions, overdue_actions=row.overdue_actions)
        for row in rows)


def _overdue(actions: list[CorrectiveAction], version_id: int, language: str,
             anonymised: bool) -> tuple[OverdueAction, ...]:
    titles = dict(db.session.execute(select(Requirement.key, Requirement.title).where(
        Requirement.manual_version_id == version_id,
        Requirement.key.in_({a.requirement_key for a in actions}))).all())
    return tuple(OverdueAction(
        member_code=a.member.code, member_name=None if anonymised else a.member.name,
        key=a.requirement_key, title=translated(titles.get(a.requirement_key), language),
        severity=a.severity, due_date=a.due_date, status=a.status) for a in actions)


def _trend(campaign: Campaign, member_ids: list[int] | None) -> tuple[CampaignTrend, ...]:
    """This campaign and the earlier ones (by due date), for the same members: what
    was submitted, pre-audited, the mean scores and how many were ready."""
    query = (select(Campaign.id, Campaign.title, Campaign.due_date, Assessment.state,
                    AssessmentScore.self_score, AssessmentScore.consultant_score,
                    AssessmentScore.readiness)
             .join(Assessment, Assessment.campaign_id == Campaign.id)
             .outerjoin(AssessmentScore, and_(AssessmentScore.assessment_id == Assessment.id,
                                              AssessmentScore.chapter_id.is_(None)))
             .where(Campaign.due_date <= campaign.due_date)
             .order_by(Campaign.due_date, Campaign.id))
    if member_ids is not None:
        query = query.where(Assessment.member_id.in_(member_ids))
    rows: dict[int, list] = defaultdict(list)
    heads: dict[int, tuple[str, date]] = {}
    for cid, title, due, state, own, theirs, ready in db.session.execute(query):
        heads[cid] = (title, due)
        rows[cid].append((state, own, theirs, ready))
    return tuple(_trend_point(*heads[cid], rows[cid]) for cid in heads)


def _trend_point(title: str, due: date, rows: list) -> CampaignTrend:  # noqa: ANN001
    reviewed = [r for r in rows if r[0] in REVIEWED]
    audited = [r for r in rows if r[0] == State.PRE_AUDITED]
    selfs = [r[1] for r in reviewed if r[1] is not None]
    theirs = [r[2] for r in audited if r[2] is not None]
    return CampaignTrend(
        title=title, due_date=due, members=len(rows), submitted=len(reviewed),
        pre_audited=len(audited), mean_self=rounded(mean(selfs)) if selfs else None,
        mean_consultant=rounded(mean(theirs)) if theirs else None,
        ready=sum(r[3] == Readiness.READY for r in audited))
