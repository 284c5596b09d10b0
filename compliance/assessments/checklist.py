"""The checklist page: every applicable requirement of an assessment with its answer,
one form per requirement, light enough to load quickly with the whole manual on it.

What keeps it light (see bench/checklist_page.py): one form per requirement and no
per-row evidence picker (files already uploaded are chosen on the requirement's evidence
page); and what keeps it quick: the texts, addresses and dates that every row repeats
are made once per page, not once per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from flask import abort, get_flashed_messages, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from compliance.assessments import bp, queries
from compliance.assessments.forms import NOTE_LENGTH
from compliance.assessments.models import STATUS_LABELS, Assessment
from compliance.assessments.texts import requirement_texts
from compliance.assessments.workflow import can_answer, can_see_verdicts, locked_text
from compliance.clock import BRUSSELS
from compliance.evidence.filetypes import MEDIA_TYPES
from compliance.i18n import LANGUAGES, current_language
from compliance.manual.queries import chapters_of
from compliance.panels import collect_facts
from compliance.permissions import works_for
from compliance.signals import requirement_facts

ACCEPT = ",".join(f".{extension}" for extension in MEDIA_TYPES)


@dataclass(frozen=True, slots=True)
class FieldErrors:
    """A row's messages by field ("form" for the row as a whole). Every row asks for each
    field: a field without a message is a plain None, not a failed lookup (that costs
    two exceptions in a template, ten times a row)."""

    form: str | None = None
    status: str | None = None
    justification: str | None = None
    comment: str | None = None
    files: str | None = None

    def __bool__(self) -> bool:
        return any(self.messages())

    def messages(self) -> list[str]:
        return [m for m in (self.form, self.status, self.justification, self.comment,
                            self.files) if m]


NO_ERRORS = FieldErrors()


@dataclass
class RowState:
    """What a refused post leaves on its row: the input, and the message at its field."""

    answer_id: int
    entered: Any = None
    errors: FieldErrors = NO_ERRORS


class Dates:
    """Dates written once each per page: Babel takes longer than the rest of a row, and
    most answers share a few days."""

    def __init__(self) -> None:
        self.days: dict[date, str] = {}

    def day(self, value: date) -> str:
        if value not in self.days:
            self.days[value] = format_date(value)
        return self.days[value]

    def moment(self, value: datetime) -> str:
        """A stored (UTC) time, in Brussels: the application's one time zone."""
        local = value.replace(tzinfo=UTC).astimezone(BRUSSELS)
        return f"{self.day(local.date())}, {local.hour:02d}:{local.minute:02d}"


def url_around(endpoint: str, name: str, **values: Any) -> tuple[str, str]:
    """A route's address split around one integer argument: rows build theirs by joining,
    as url_for for each would cost more than the rest of the row."""
    marker = 918273645
    before, after = url_for(endpoint, **{name: marker}, **values).split(str(marker))
    return before, after


def row_texts() -> SimpleNamespace:
    """Every text the rows repeat, translated once."""
    return SimpleNamespace(
        answer=gettext("Answer"), save=gettext("Save"), why_applies=gettext("Why it applies"),
        major=gettext("Major"), minor=gettext("Minor"),
        to_confirm=gettext("To confirm"), text_changed=gettext("Text changed"),
        text_changed_hint=gettext("The requirement changed since the earlier answer."),
        taken_in=gettext("Taken in"), justification=gettext(
            "Justification (required if not applicable)"), comment=gettext("Comment"),
        evidence=gettext("Evidence"), no_evidence=gettext("No evidence yet."),
        remove=gettext("take off"), add_files=gettext("Add files"),
        files_hint=gettext("PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT, CSV; saved with the "
                           "answer."),
        library=gettext("Choose from the library…"), select=gettext("select to confirm"),
        carried=gettext("Carried over from the previous assessment: check it, then save "
                        "or confirm it."),
        last_saved=gettext("Last saved by %(name)s, %(when)s"),
        withdrawn=gettext("withdrawn"), expired=gettext("expired %(date)s"),
        valid_until=gettext("valid until %(date)s"), not_answered=gettext("Not answered"),
        change=gettext("To change:"), verdict=gettext("Consultant's verdict:"),
        off_filter=gettext("Shown because you just changed it: it no longer matches the "
                           "filter."),
        typed=gettext("What you typed (not saved):"))


RADIO = Markup('<label class="status-choice"><input type="radio" name="status" value="{}"{}> '
               '{}</label>')
STATUSES = Markup('<fieldset class="statuses{}"><legend>{}</legend>{}</fieldset>')
BADGE = Markup('<span class="badge badge-{}">{}</span>')


def status_radios(legend: str) -> dict[tuple[str | None, bool], Markup]:
    """The answer's fieldset, written once for each status that may be checked (and
    once more each when the status was refused)."""
    choices = [(status.value, str(label)) for status, label in STATUS_LABELS.items()]
    return {(checked, refused): STATUSES.format(" has-error" if refused else "", legend,
                                                Markup("").join(
        RADIO.format(value, Markup(" checked") if value == checked else "", label)
        for value, label in choices))
        for checked in (None, *(v for v, _ in choices)) for refused in (False, True)}


@lru_cache(maxsize=len(LANGUAGES))
def written_once(language: str) -> dict[str, Any]:
    """The rows' texts, answer fieldsets and badges in one language: the catalogues do
    not change while the application runs, so they are written once per process."""
    texts = row_texts()
    return {"t": texts, "radios": status_radios(texts.answer),
            "badges": {level: BADGE.format(level, getattr(texts, level))
                       for level in ("major", "minor")}}


def page_context(assessment: Assessment) -> dict[str, Any]:
    """What every row shares: addresses, texts, the form token, date formatting."""
    query = {"chapter": request.args.get("chapter"), "show": request.args.get("show")}
    return {
        **written_once(current_language()),
        "row_url": url_around("assessments.save_answer", "answer_id",
                              assessment_id=assessment.id, **query),
        "evidence_url": url_around("assessments.answer_evidence", "answer_id",
                                   assessment_id=assessment.id, **query),
        "download_url": url_around("evidence.download", "evidence_id"),
        "token": generate_csrf(), "dates": Dates(),
        "note_max": NOTE_LENGTH, "accept": ACCEPT, "no_errors": NO_ERRORS,
        "verdicts_shown": can_see_verdicts(current_user, assessment),
    }


def answers_page(assessment: Assessment, *, row: RowState | None = None,
                 status: int = 200):
    """The checklist: a chapter or all of them, a filter, and the row the person just
    worked on (``?focus=<answer id>``, or the refused ``row``) whatever the filter."""
    chapters = chapters_of(assessment.campaign.manual_version_id)
    key = request.args.get("chapter")
    chapter = next((c for c in chapters if c.key == key), None)
    if key and chapter is None:
        abort(404)
    show = request.args.get("show", "all")
    if show not in queries.FILTERS:
        show = "all"
    focus = row.answer_id if row else request.args.get("focus", type=int)
    answers, off_filter = queries.checklist_rows(assessment, chapter.id if chapter else None,
                                                 show, keep=focus)
    if focus not in {a.id for a in answers}:
        focus = None  # not on this page: its messages go at the top, as any
    progress = queries.progress_by_chapter([assessment.id])
    by_chapter = {c: p for (_, c), p in progress.items()}
    total = queries.total_progress(progress, assessment.id)
    editable = can_answer(current_user, assessment)
    scope = by_chapter.get(chapter.id, queries.Progress()) if chapter else total
    return render_template(
        "assessments/answers.html", assessment=assessment, chapters=chapters,
        chapter=chapter, show=show, rows=[a for a in answers if a.included],
        excluded=[a for a in answers if not a.included], progress=by_chapter, total=total,
        texts=requirement_texts(answers, current_language()),
        editable=editable, focus=focus, off_filter=off_filter, row=row,
        messages=get_flashed_messages(with_categories=True) if focus else [],
        locked=None if editable or not works_for(current_user, assessment.member_id)
        else locked_text(assessment),
        confirmable=scope.to_confirm if editable else 0,
        facts=collect_facts(requirement_facts, assessment, user=current_user, review=False,
                            requirement_ids=[a.requirement_id for a in answers if a.included]),
        **page_context(assessment)), status


@bp.route("/<int:assessment_id>/answers")
@login_required
def answers(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return answers_page(assessment)
