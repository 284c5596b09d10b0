"""The pre-audit report: the consultant's review of an assessment — readiness, scores
side by side, findings, the corrective-action plan, sign-off and a summary of the audit
trail — its data, its builder and its renderer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from flask_babel import gettext as _
from reportlab.platypus import Flowable, PageBreak
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from compliance.actions.models import CorrectiveAction
from compliance.assessments.models import Answer, Assessment
from compliance.assessments.workflow import ASSESSMENT_FLOW
from compliance.audit import AuditEvent
from compliance.extensions import db
from compliance.i18n import translated
from compliance.reports.common import (
    CONSULTANT_COLOUR,
    SELF_COLOUR,
    AssessmentCover,
    AssessmentReport,
    Fingerprinted,
    Words,
    as_of,
    assessment_answers,
    assessment_chapters,
    assessment_cover,
    checked_language,
    generation_time,
    percent,
    renders,
    rounded,
    word,
)
from compliance.reports.listing import data_table, facts_table
from compliance.reports.pdf import (
    MAJOR,
    MINOR,
    MUTED,
    OK,
    WIDTH,
    bar_chart,
    gap,
    heading,
    kept,
    para,
)
from compliance.reviews.scores import scorecard

SEVERITIES = ("major_nc", "minor_nc", "observation")  # findings, most severe first
READINESS_COLOURS = {"ready": OK, "nearly_ready": MINOR, "not_ready": MAJOR}


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
    basis: str | None
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
    basis: str | None
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


# the builder: from the database to the dataclasses -------------------------------------

def build_pre_audit_report(assessment: Assessment, language: str, *,
                           now: datetime | None = None) -> PreAuditReportData:
    """The consultant's review: readiness, scores side by side, findings, actions,
    sign-off and a summary of the audit trail. A preview (``completed`` False) while
    the pre-audit is not completed."""
    language = checked_language(language)
    day, now = as_of(now), now or generation_time()
    card = scorecard(assessment)
    answers = [a for a in assessment_answers(assessment) if a.included]
    chapters = assessment_chapters(assessment)
    keys = {c.id: c.key for c in chapters}
    comparisons = tuple(
        ChapterComparison(c.key, translated(c.title, language),
                          rounded(s.self_score) if (s := card.chapters.get(str(c.id))) else None,
                          rounded(s.consultant_score) if s else None)
        for c in chapters)
    pre_audit = assessment.pre_audit
    return PreAuditReportData(
        language=language, generated_at=now, as_of=day,
        cover=assessment_cover(assessment, language),
        completed=ASSESSMENT_FLOW.is_in(assessment, "pre_audited"),
        readiness=card.readiness.value if card.readiness else None,
        self_score=rounded(card.self_score), consultant_score=rounded(card.consultant_score),
        calibration_gap=rounded(card.calibration_gap), open_major=card.open_major,
        disagreements=len(card.disagreements), chapters=comparisons,
        findings=_findings(answers, keys, language),
        actions=_actions(assessment, day),
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
        basis=a.requirement.basis, references=tuple(a.requirement.references),
        self_status=None if a.to_confirm else a.status, comment=a.verdict.comment,
        change_request=a.verdict.change_request) for a in found)


def _verdict_line(answer: Answer, keys: dict[int, str], language: str) -> VerdictLine:
    verdict = answer.verdict
    return VerdictLine(
        key=answer.requirement_key, title=translated(answer.requirement.title, language),
        chapter_key=keys.get(answer.chapter_id, ""),
        criticality=answer.requirement.criticality, basis=answer.requirement.basis,
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


# the renderer: from the dataclasses to PDF ---------------------------------------------

@renders(PreAuditReportData)
class PreAuditReport(AssessmentReport):
    data: PreAuditReportData

    def title(self) -> str:
        return _("Pre-audit report")

    def author(self) -> str:
        return self.data.sign_off.signed_by_name or self.data.sign_off.consultant or \
            super().author()

    def story(self) -> list[Flowable]:
        self.words = Words()
        return [*self.cover(), *self.scores(), *self.findings(), *self.actions(),
                *self.sign_off(), *self.trail(), *self.verdicts()]

    def cover(self) -> list[Flowable]:
        data = self.data
        story = self.cover_title()
        if not data.completed:
            story.append(para(_("Preview: this pre-audit is not completed. Verdicts, scores "
                                "and readiness may still change."), "notice"))
        verdict = para(word(self.words.readiness, data.readiness), "verdict")
        verdict.style = verdict.style.clone("verdict-colour", textColor=READINESS_COLOURS.get(
            data.readiness, MUTED))
        story += heading(_("Pre-audit result"), 0, "result")
        story += [verdict, facts_table([
            (_("Consultant score"), percent(data.consultant_score)),
            (_("Self-assessment score"), percent(data.self_score)),
            (_("Calibration gap"), self.signed(data.calibration_gap)),
            (_("Open major non-conformities"), str(data.open_major)),
            (_("Requirements rated differently by the consultant"), str(data.disagreements)),
            *[(word(self.words.verdict, s), str(len(data.findings_of(s)))) for s in SEVERITIES],
        ]), gap(4), para(_("Ready: no open major non-conformity and a consultant score of at "
                           "least 80. Nearly ready: no open major non-conformity and at "
                           "least 60. Calibration gap: self-assessment score minus "
                           "consultant score."), "small"), gap(8)]
        story.append(self.cover_facts(data.cover))
        return [*story, gap(8), *self.fingerprint_block(), PageBreak()]

    def scores(self) -> list[Flowable]:
        data = self.data
        story = heading(_("Scores per chapter"), 0, "scores")
        story.append(bar_chart([c.key for c in data.chapters], [
            (_("Self-assessed"), [c.self_score for c in data.chapters], SELF_COLOUR),
            (_("Consultant"), [c.consultant_score for c in data.chapters], CONSULTANT_COLOUR)]))
        rows = [(c.key, c.title, percent(c.self_score), percent(c.consultant_score),
                 self.signed(c.gap)) for c in data.chapters]
        rows.append(("", _("Overall"), percent(data.self_score), percent(data.consultant_score),
                     self.signed(data.calibration_gap)))
        story += [gap(6), data_table(
            [_("Chapter"), _("Title"), _("Self"), _("Consultant"), _("Gap")], rows,
            [48, WIDTH - 248, 80, 65, 55], numeric=(2, 3, 4), bold_last=True)]
        return story

    def findings(self) -> list[Flowable]:
        story = heading(_("Findings"), 0, "findings")
        if not self.data.findings:
            return [*story, para(_("No finding: every requirement was found conform or not "
                                   "applicable."))]
        if any(f.basis for f in self.data.findings):
            story.append(para(self.labelled(_("Basis"), self.basis_legend()), "small"))
        widths = [150, 95, 70, WIDTH - 315]
        for severity in SEVERITIES:
            findings = self.data.findings_of(severity)
            if not findings:
                continue
            story += heading(f"{word(self.words.verdict, severity)} ({len(findings)})", 1,
                             f"findings-{severity}")
            story.append(data_table(
                [_("Requirement"), _("Legal references"), _("The member's answer"),
                 _("Finding")],
                [(self.requirement_cell(f.key, f.title, basis=f.basis),
                  "; ".join(f.references) or "—",
                  word(self.words.status, f.self_status),
                  self.finding_text(f.comment, f.change_request)) for f in findings], widths))
        return story

    def finding_text(self, comment: str | None, change_request: str | None) -> str:
        parts = [comment or "—"]
        if change_request:
            parts.append(self.labelled(_("What the member must change"), change_request))
        return "\n".join(parts)

    def actions(self) -> list[Flowable]:
        story = heading(_("Corrective-action plan"), 0, "actions")
        if not self.data.actions:
            text = _("No corrective actions.") if self.data.completed else \
                _("Corrective actions are opened when the pre-audit is completed.")
            return [*story, para(text)]
        rows = []
        for a in self.data.actions:
            status = word(self.words.action_status, a.status)
            if a.overdue:
                status += f"\n({_('overdue')})"
            rows.append((a.key, word(self.words.verdict, a.severity), a.description,
                         a.owner or "—", self.day(a.due_date), status))
        story.append(data_table(
            [_("Requirement"), _("Severity"), _("Action"), _("Owner"), _("Due date"),
             _("Status")], rows, [52, 70, WIDTH - 334, 80, 62, 70]))
        return story

    def sign_off(self) -> list[Flowable]:
        s = self.data.sign_off
        story = heading(_("Sign-off"), 0, "sign-off")
        if self.data.completed and s.signed_by_name:
            story.append(para(_("Signed by %(name)s on %(date)s.", name=s.signed_by_name,
                                date=self.day(s.signed_on)), "h2"))
        else:
            story.append(para(_("Not signed yet."), "h2"))
        story.append(facts_table([
            (_("Consultant"), s.consultant or "—"),
            (_("Pre-audit started"), self.moment(s.started_at)),
            (_("Pre-audit completed"), self.moment(s.completed_at)),
            (_("Name of the signing consultant"), s.signed_by_name or "—"),
            (_("Date"), self.day(s.signed_on)),
        ]))
        return [kept(*story)]

    def trail(self) -> list[Flowable]:
        data = self.data
        story = heading(_("Audit trail"), 0, "trail")
        story.append(para(_("A summary of the assessment's history; every change is "
                            "recorded in the application and cannot be altered "
                            "afterwards."), "small"))
        if data.state_changes:
            story.append(data_table(
                [_("When"), _("Who"), _("Before"), _("After"), _("Reason")],
                [(self.moment(c.at), c.actor or _("system"), word(self.words.state, c.before),
                  word(self.words.state, c.after), c.reason or "") for c in data.state_changes],
                [95, 95, 80, 80, WIDTH - 350]))
            story.append(gap(8))
        lines = [t for t in data.trail if t.action != "assessment.state"]
        story.append(data_table(
            [_("Who"), _("What"), _("Times"), _("First"), _("Last")],
            [(t.actor or _("system"), self.words.audit.get(t.action, t.action), str(t.count),
              self.moment(t.first_at), self.moment(t.last_at)) for t in lines]
            or [("—", _("Nothing recorded yet."), "", "", "")],
            [100, WIDTH - 330, 40, 95, 95], numeric=(2,)))
        return story

    def verdicts(self) -> list[Flowable]:
        """The requirements without a finding (those with one are under Findings): each
        requirement of the assessment appears once in the report."""
        found = {f.key for f in self.data.findings}
        lines = [v for v in self.data.verdicts if v.key not in found]
        story = heading(_("Requirements without a finding"), 0, "verdicts")
        story.append(para(_("%(count)d requirements found conform or not applicable, or "
                            "without a verdict yet.", count=len(lines)), "small"))
        widths = [WIDTH - 250, 50, 95, 105]
        titles = {c.key: c.title for c in self.data.chapters}
        by_chapter: dict[str, list] = {}
        for line in lines:
            by_chapter.setdefault(line.chapter_key, []).append(line)
        for key, chapter_lines in by_chapter.items():
            story += heading(f"{key} — {titles.get(key, '')}", 1, f"verdicts-{key}")
            story.append(data_table(
                [_("Requirement"), _("Criticality"), _("The member's answer"), _("Verdict")],
                [(self.requirement_cell(v.key, v.title, basis=v.basis),
                  self.words.criticality.get(v.criticality, ""),
                  word(self.words.status, v.self_status),
                  word(self.words.verdict, v.verdict) + (f"\n{v.reason}" if v.reason else ""))
                 for v in chapter_lines], widths))
        return story
