"""One renderer per report; the layout they share is in ``compliance.reports.pdf``.

Each turns its dataclass (``compliance.reports.data``) into PDF bytes. Labels come
from the gettext catalogues (``render()`` forces the report's language); codes in the
data (states, answers, verdicts) become words through the app's label tables, so a
report says what the screens say.
"""

from __future__ import annotations

from flask_babel import gettext as _
from reportlab.platypus import Flowable, PageBreak

from compliance.actions.models import ACTION_STATUS_LABELS
from compliance.assessments.models import STATE_LABELS, STATUS_LABELS
from compliance.members.models import REGION_LABELS
from compliance.profile import ACTIVITY_LABELS
from compliance.reports.data import (
    SEVERITIES,
    AnswerLine,
    AssessmentCover,
    PreAuditReportData,
    SectorReportData,
    SelfAssessmentReportData,
)
from compliance.reports.listing import Note, data_table, facts_table
from compliance.reports.pdf import (
    BAND_COLOURS,
    BRAND,
    MAJOR,
    MINOR,
    MUTED,
    OK,
    WIDTH,
    ReportRenderer,
    band,
    bar_chart,
    gap,
    heading,
    kept,
    para,
    wrap,
)
from compliance.reviews.models import READINESS_LABELS, VERDICT_LABELS

READINESS_COLOURS = {"ready": OK, "nearly_ready": MINOR, "not_ready": MAJOR}
SELF_COLOUR, CONSULTANT_COLOUR = MUTED, BRAND
REVIEWED_STATES = ("submitted", "in_pre_audit", "pre_audited")


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

    def requirement_cell(self, key: str, title: str, criticality: str | None = None) -> str:
        if criticality is not None:
            key = f"{key} · {self.words.criticality.get(criticality, criticality)}"
        return f"{key}\n{title}"


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
        return [wrap(self.requirement_cell(answer.key, answer.title, answer.criticality),
                     widths[0]),
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
                [(self.requirement_cell(f.key, f.title), "; ".join(f.references) or "—",
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
                [(self.requirement_cell(v.key, v.title),
                  self.words.criticality.get(v.criticality, ""),
                  word(self.words.status, v.self_status),
                  word(self.words.verdict, v.verdict) + (f"\n{v.reason}" if v.reason else ""))
                 for v in chapter_lines], widths))
        return story


class SectorReport(WordsMixin, ReportRenderer):
    data: SectorReportData

    def title(self) -> str:
        return _("Sector readiness report")

    def subject(self) -> str:
        data = self.data
        return f"{data.campaign_title} — {data.manual_title} {data.manual_version}"

    def running_title(self) -> str:
        anonymity = _("anonymised") if self.data.anonymised else _("with member names")
        return f"{self.title()} · {self.data.campaign_title} · {anonymity}"

    def author(self) -> str:
        return _("The association")

    def story(self) -> list[Flowable]:
        self.words = Words()
        return [*self.cover(), *self.states(), *self.readiness(), *self.heat(), *self.gaps(),
                *self.overdue(), *self.trend(), *self.members()]

    def cover(self) -> list[Flowable]:
        data = self.data
        story = [para(self.title(), "cover_title"),
                 para(f"{data.campaign_title} · {data.manual_title}", "cover_subtitle")]
        if data.anonymised:
            story.append(para(_("Anonymised: members are shown by their code only. The report "
                                "holds no member names and no enterprise numbers."), "body"))
        else:
            story.append(para(_("Not anonymised: this report shows member names and "
                                "enterprise numbers. Share it only with those who may see "
                                "them."), "notice"))
        scope = _("every member asked in the campaign") if data.scope == "all" else \
            _("the members assigned to you")
        members = len(data.members)
        submitted = sum(count for state, count in data.states if state in REVIEWED_STATES)
        version = _("version %(version)s", version=data.manual_version)
        story += [gap(4), facts_table([
            (_("Campaign"), data.campaign_title),
            (_("Due date"), self.day(data.campaign_due)),
            (_("Manual version"), f"{data.manual_title} — {version}"),
            (_("Members"), f"{members} ({scope})"),
            (_("Submitted"), f"{submitted} / {members}"),
            (_("Pre-audited"), f"{data.pre_audited} / {members}"),
            (_("Ready"), f"{dict(data.readiness).get('ready', 0)} / {data.pre_audited}"),
            (_("Overdue corrective actions"), str(data.overdue_total)),
            (_("Situation on"), self.day(data.as_of)),
        ]), gap(10), *self.fingerprint_block(), PageBreak()]
        return story

    def count_table(self, head: str, counts: list[tuple[str, int]], total: int) -> Flowable:
        return data_table([head, _("Members"), _("Share")],
                          [(name, str(count), percent(100 * count / (total or 1)))
                           for name, count in counts], [WIDTH - 140, 70, 70], numeric=(1, 2))

    def states(self) -> list[Flowable]:
        counts = [(word(self.words.state, state), count) for state, count in self.data.states]
        story = heading(_("Members by state"), 0, "states")
        story.append(bar_chart([name for name, _count in counts],
                               [(_("Members"), [count for _name, count in counts], BRAND)],
                               maximum=None))
        return [*story, gap(4), self.count_table(_("State"), counts, len(self.data.members))]

    def readiness(self) -> list[Flowable]:
        data = self.data
        story = heading(_("Readiness after pre-audit"), 0, "readiness")
        story.append(para(_("%(audited)d of %(total)d members pre-audited.",
                            audited=data.pre_audited, total=len(data.members))))
        counts = [(word(self.words.readiness, r), count) for r, count in data.readiness]
        story.append(self.count_table(_("Readiness"), counts, data.pre_audited))
        story += heading(_("Consultant scores of the pre-audited members"), 1, "score-bands")
        story.append(bar_chart([name for name, _count in data.score_bands],
                               [(_("Members"), [count for _name, count in data.score_bands],
                                 BRAND)], maximum=None))
        story += [gap(4), self.count_table(_("Consultant score"), list(data.score_bands),
                                           data.pre_audited)]
        return story

    def heat(self) -> list[Flowable]:
        story = heading(_("Compliance rate by chapter"), 0, "heat")
        story.append(para(_("Mean chapter scores: self-assessed over the submitted "
                            "assessments, after pre-audit over the pre-audited ones. "
                            "Green from 80, amber from 60, red below."), "small"))
        rows, backgrounds = [], {}
        for row, h in enumerate(self.data.heat):
            rows.append((h.key, h.title, percent(h.self_rate), percent(h.consultant_rate),
                         str(h.members)))
            backgrounds |= {(row, column): BAND_COLOURS[band(rate)]
                            for column, rate in ((2, h.self_rate), (3, h.consultant_rate))}
        story.append(data_table(
            [_("Chapter"), _("Title"), _("Self-assessed"), _("After pre-audit"), _("Members")],
            rows, [48, WIDTH - 268, 80, 80, 60], numeric=(2, 3, 4), backgrounds=backgrounds))
        return story

    def gaps(self) -> list[Flowable]:
        story = heading(_("Most frequent gaps"), 0, "gaps")
        if not self.data.gaps:
            return [*story, para(_("No gaps recorded yet."))]
        story.append(data_table(
            [_("Requirement"), _("Legal references"), _("Non-conformities"),
             _("Self-declared gaps")],
            [(f"{g.key}\n{g.title}", "; ".join(g.references), str(g.nonconformities),
              str(g.self_gaps)) for g in self.data.gaps],
            [WIDTH - 280, 150, 65, 65], numeric=(2, 3)))
        return story

    def overdue(self) -> list[Flowable]:
        data = self.data
        story = heading(_("Overdue corrective actions"), 0, "overdue")
        if not data.overdue:
            return [*story, para(_("No corrective actions."))]
        if data.overdue_total > len(data.overdue):
            story.append(para(_("The %(shown)d longest overdue of %(total)d.",
                                shown=len(data.overdue), total=data.overdue_total), "small"))
        rows = [(a.member_code if data.anonymised else f"{a.member_code}\n{a.member_name}",
                 f"{a.key}\n{a.title}", word(self.words.verdict, a.severity),
                 self.day(a.due_date), word(self.words.action_status, a.status))
                for a in data.overdue]
        first = 70 if data.anonymised else 120
        story.append(data_table(
            [_("Member"), _("Requirement"), _("Severity"), _("Due date"), _("Status")],
            rows, [first, WIDTH - first - 220, 85, 65, 70]))
        return story

    def trend(self) -> list[Flowable]:
        trend = self.data.trend
        story = heading(_("Trend across campaigns"), 0, "trend")
        if len(trend) > 1:
            story.append(bar_chart([t.title for t in trend], [
                (_("Self-assessed"), [t.mean_self for t in trend], SELF_COLOUR),
                (_("After pre-audit"), [t.mean_consultant for t in trend], CONSULTANT_COLOUR)]))
            story.append(gap(4))
        story.append(data_table(
            [_("Campaign"), _("Due date"), _("Members"), _("Submitted"), _("Pre-audited"),
             _("Self-assessed"), _("After pre-audit"), _("Ready")],
            [(t.title, self.day(t.due_date), str(t.members), str(t.submitted),
              str(t.pre_audited), percent(t.mean_self), percent(t.mean_consultant),
              str(t.ready)) for t in trend],
            [WIDTH - 410, 62, 48, 50, 58, 70, 70, 52], numeric=(2, 3, 4, 5, 6, 7)))
        return story

    def members(self) -> list[Flowable]:
        """Every member, by code; with names, each name and enterprise number on a line
        under its member."""
        data = self.data
        story = heading(_("Members"), 0, "members")
        rows: list = []
        for m in data.members:
            rows.append((m.code, word(self.words.region, m.region),
                         word(self.words.state, m.state), percent(m.progress),
                         self.score(m.self_score), self.score(m.consultant_score),
                         word(self.words.readiness, m.readiness), str(m.open_actions),
                         str(m.overdue_actions)))
            if not data.anonymised:
                rows.append(Note(f"{m.name} — {_('Enterprise number')} "
                                 f"{m.enterprise_number}"))
        story.append(data_table(
            [_("Member"), _("Region"), _("State"), _("Progress"), _("Self"), _("Consultant"),
             _("Readiness"), _("Open actions"), _("Overdue")],
            rows, [68, 52, 68, 50, 56, 56, WIDTH - 438, 48, 40], numeric=(3, 4, 5, 7, 8)))
        return story


RENDERERS = {SelfAssessmentReportData: SelfAssessmentReport,
             PreAuditReportData: PreAuditReport,
             SectorReportData: SectorReport}


def render_report(data: SelfAssessmentReportData | PreAuditReportData | SectorReportData
                  ) -> bytes:
    return RENDERERS[type(data)](data).render()
