"""The self-assessment report: the member's answers, chapter by chapter, with scores,
evidence and open items — its data, its builder and its renderer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from flask_babel import gettext as _
from reportlab.platypus import Flowable, PageBreak
from sqlalchemy import func, select

from compliance.assessments.models import Answer, AnswerEvidence, Assessment, Status
from compliance.extensions import db
from compliance.i18n import translated
from compliance.reports.common import (
    CONSULTANT_COLOUR,
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
from compliance.reports.listing import Note, data_table, facts_table
from compliance.reports.pdf import WIDTH, bar_chart, gap, heading, para, wrap
from compliance.reviews.scores import scorecard


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
    basis: str | None  # law, standard, good_practice; None: the manual version states none
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


# the builder: from the database to the dataclasses -------------------------------------

def _evidence_line(link: AnswerEvidence) -> EvidenceLine:
    e = link.evidence
    return EvidenceLine(title=e.title, filename=e.filename, document_date=e.document_date,
                        expiry_date=e.expiry_date, sha256=e.sha256, withdrawn=e.withdrawn)


def _answer_line(answer: Answer, language: str) -> AnswerLine:
    requirement = answer.requirement
    return AnswerLine(
        key=answer.requirement_key, title=translated(requirement.title, language),
        criticality=requirement.criticality, basis=requirement.basis,
        references=tuple(requirement.references),
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
    day, now = as_of(now), now or generation_time()
    card = scorecard(assessment)
    answers = [a for a in assessment_answers(assessment) if a.included]
    by_chapter: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_chapter[answer.chapter_id].append(answer)
    chapters = []
    keys = {}
    for chapter in assessment_chapters(assessment):
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
        language=language, generated_at=now, as_of=day,
        cover=assessment_cover(assessment, language), self_score=rounded(card.self_score),
        applicable=len(answers), answered=sum(a.answered for a in answers),
        not_applicable_by_profile=total - len(answers), chapters=tuple(chapters),
        open_items=open_items)


# the renderer: from the dataclasses to PDF ---------------------------------------------

@renders(SelfAssessmentReportData)
class SelfAssessmentReport(AssessmentReport):
    data: SelfAssessmentReportData

    def title(self) -> str:
        return _("Self-assessment report")

    def story(self) -> list[Flowable]:
        self.words = Words()
        return [*self.cover(), *self.scores(), *self.requirements(), *self.open_items()]

    def cover(self) -> list[Flowable]:
        data = self.data
        story = [*self.cover_title(), self.cover_facts(data.cover), gap(12)]
        story += heading(_("Summary"), 0, "summary")
        story.append(facts_table([
            (_("Self-assessment score"), percent(data.self_score)),
            (_("Answered"), _("%(answered)d of %(total)d applicable requirements answered.",
                              answered=data.answered, total=data.applicable)),
            (_("Open items"), str(len(data.open_items))),
            (_("Does not apply to this profile"), str(data.not_applicable_by_profile)),
        ]))
        return [*story, gap(10), *self.fingerprint_block(), PageBreak()]

    def scores(self) -> list[Flowable]:
        chapters = self.data.chapters
        story = heading(_("Scores per chapter"), 0, "scores")
        story.append(para(_("Score: 100 × the sum of weight × credit over the sum of the "
                            "weights (weight: major 3, minor 1; credit: compliant 1, partially "
                            "compliant 0.5, not compliant or not answered 0; not applicable "
                            "left out)."), "small"))
        story.append(bar_chart([c.key for c in chapters],
                               [(_("Self-assessed"), [c.self_score for c in chapters],
                                 CONSULTANT_COLOUR)]))
        rows = [(c.key, c.title, f"{c.answered} / {c.applicable}", percent(c.self_score))
                for c in chapters]
        rows.append(("", _("Overall"), f"{self.data.answered} / {self.data.applicable}",
                     percent(self.data.self_score)))
        story += [gap(6), data_table([_("Chapter"), _("Title"), _("Answered"), _("Score")],
                                     rows, [48, WIDTH - 168, 60, 60], numeric=(2, 3),
                                     bold_last=True)]
        return story

    def requirements(self) -> list[Flowable]:
        story = heading(_("Requirements"), 0, "requirements")
        if any(a.basis for c in self.data.chapters for a in c.answers):
            story.append(para(self.labelled(_("Basis"), self.basis_legend()), "small"))
        widths = [175, 80, WIDTH - 255]
        for chapter in self.data.chapters:
            story += heading(f"{chapter.key} — {chapter.title}", 1, f"chapter-{chapter.key}")
            if not chapter.answers:
                story.append(para(_("No requirement of this chapter applies to the chosen "
                                    "profile."), "small"))
                continue
            story.append(para(_("%(answered)d of %(total)d answered", answered=chapter.answered,
                                total=chapter.applicable) + " · "
                              + self.labelled(_("Score"), percent(chapter.self_score)), "small"))
            rows: list = []
            for answer in chapter.answers:
                rows.append(self.answer_row(answer, widths))
                if answer.evidence:
                    rows.append(self.evidence_note(answer))
            story.append(data_table([_("Requirement"), _("Answer"), _("Comment")], rows,
                                    widths, wrapped=False))
        return story

    def answer_row(self, answer: AnswerLine, widths: list[float]) -> list[str]:
        status = word(self.words.status, answer.status)
        if answer.to_confirm:
            status = f"{status}\n({_('To confirm')})"
        notes = [answer.comment] if answer.comment else []
        if answer.justification:
            notes.append(self.labelled(_("Why it does not apply"), answer.justification))
        if answer.inclusion_justification:
            notes.append(self.labelled(_("Why it applies"), answer.inclusion_justification))
        return [wrap(self.requirement_cell(answer.key, answer.title, answer.criticality,
                                           answer.basis), widths[0]),
                wrap(status, widths[1]), wrap("\n".join(notes), widths[2])]

    def evidence_note(self, answer: AnswerLine) -> Note:
        lines = []
        for e in answer.evidence:
            state = ""
            if e.withdrawn:
                state = f" ({_('withdrawn')})"
            elif e.expiry_date and e.expiry_date < self.data.as_of:
                state = f" ({_('expired %(date)s', date=self.day(e.expiry_date))})"
            lines.append(self.labelled(_("Evidence"), f"{e.title} — {e.filename} — "
                                       f"{self.day(e.document_date)}{state}"))
            lines.append(f"SHA-256 {e.sha256}")
        return Note("\n".join(lines))

    def open_items(self) -> list[Flowable]:
        items = self.data.open_items
        story = heading(_("Open items"), 0, "open-items")
        if not items:
            return [*story, para(_("Nothing is open: every applicable requirement is answered "
                                   "and compliant."))]
        reasons = {"unanswered": _("Not answered"), "to_confirm": _("To confirm"),
                   "not_compliant": word(self.words.status, "not_compliant"),
                   "partial": word(self.words.status, "partial")}
        story.append(data_table(
            [_("Requirement"), _("Chapter"), _("Status")],
            [(self.requirement_cell(i.key, i.title), i.chapter_key, reasons[i.reason])
             for i in items], [WIDTH - 160, 50, 110]))
        return story
