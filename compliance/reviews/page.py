"""The review page: every requirement of a submitted assessment, the member's answer next
to the consultant's verdict, in ONE form, so that a consultant reads down the page, ticks
or picks as they go and saves once (or row by row: each row's Save comes back to it).

What keeps it light with the whole manual on it (at most 250 KiB for 140 requirements):
the rows are plain columns (compliance.reviews.queries), the requirement texts are written
once per language (compliance.assessments.texts), and every text and radio group the
rows repeat is made once per page here, not once per row.
"""

from __future__ import annotations

from bisect import bisect_right
from types import SimpleNamespace
from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select

from compliance import clock
from compliance.assessments.models import Answer, Assessment
from compliance.assessments.texts import requirement_texts
from compliance.assessments.workflow import can_review
from compliance.extensions import db
from compliance.i18n import current_language
from compliance.manual.models import Chapter
from compliance.manual.queries import chapters_of
from compliance.panels import collect, collect_facts
from compliance.reviews.forms import ReopenForm, SignOffForm
from compliance.reviews.models import VERDICT_LABELS, RequirementVerdict, Verdict
from compliance.reviews.queries import review_rows, without_verdict
from compliance.reviews.scores import scorecard
from compliance.reviews.services import sign_off_problems
from compliance.signals import requirement_facts, review_panels

# Unquoted attribute values, and no class on each choice (styled as ".verdicts label"):
# these five choices are repeated on every row, and make a third of the page.
RADIO = Markup('<label><input type=radio name=v-§ value={0}{1}> {2}</label>')
FIELDSET = Markup('<fieldset class=verdicts><legend>{}</legend>{}</fieldset>')
#: The verdicts' values as the rows post them (short: five on every row).
CODES = {"c": Verdict.CONFORM, "o": Verdict.OBSERVATION, "mi": Verdict.MINOR_NC,
         "ma": Verdict.MAJOR_NC, "na": Verdict.NOT_APPLICABLE}
CODE_OF = {verdict.value: code for code, verdict in CODES.items()}


def row_texts() -> SimpleNamespace:
    """Every text the rows repeat, translated once."""
    return SimpleNamespace(
        member=gettext("The member's answer"), verdict=gettext("Verdict"),
        not_answered=gettext("Not answered"), justification=gettext("Justification"),
        no_evidence=gettext("No evidence."), withdrawn=gettext("withdrawn"),
        expired=gettext("expired %(date)s"), major=gettext("Major"), minor=gettext("Minor"),
        accept=gettext("Accept the answer"), expected=gettext("Expected evidence"),
        finding=gettext("Finding, or why it does not apply"),
        change=gettext("Change to ask for if sent back"),
        save=gettext("Save"), next=gettext("Next without verdict"),
        no_verdict=gettext("No verdict."))


#: The verdicts as the rows' choices name them: short, as they are on every row (the
#: page's help spells "NC" out once).
CHOICE_LABELS = {**VERDICT_LABELS, Verdict.MINOR_NC: _l("Minor NC"),
                 Verdict.MAJOR_NC: _l("Major NC")}


def verdict_radios(legend: str) -> dict[str | None, Markup]:
    """The verdict fieldset once for each verdict that may be checked (``§`` stands for
    the answer's id, put in by the row)."""
    labels = [(v.value, str(label)) for v, label in CHOICE_LABELS.items()]
    return {checked: FIELDSET.format(legend, Markup("").join(
        RADIO.format(CODE_OF[value], Markup(" checked") if value == checked else "", label)
        for value, label in labels)) for checked in (None, *(v for v, _ in labels))}


def missing_positions(assessment: Assessment) -> list[tuple[int, str, str]]:
    """(position, requirement key, chapter key) of every answer still without a verdict:
    the complete list, and where each row's "next without verdict" goes."""
    return [tuple(row) for row in db.session.execute(
        select(Answer.position, Answer.requirement_key, Chapter.key)
        .join(Chapter, Chapter.id == Answer.chapter_id)
        .outerjoin(RequirementVerdict, RequirementVerdict.answer_id == Answer.id)
        .where(Answer.assessment_id == assessment.id, Answer.included.is_(True),
               without_verdict())
        .order_by(Answer.position))]


def next_links(rows: list[Any], missing: list[tuple[int, str, str]], chapter: Any,
               assessment: Assessment) -> dict[int, str]:
    """Answer id → the address of the next requirement without a verdict after it (on
    this page, or on its chapter's page), where it is not simply the next row."""
    positions = [m[0] for m in missing]
    on_page = {row.key for row in rows}
    following = {row.id: after.key for row, after in zip(rows, rows[1:], strict=False)}
    links = {}
    for row in rows:
        index = bisect_right(positions, row.position)
        if index == len(missing) or missing[index][1] == following.get(row.id):
            continue  # none left, or it is the very next row: reading on gets there
        _, key, chapter_key = missing[index]
        links[row.id] = f"#{key}" if key in on_page else url_for(
            "reviews.review", assessment_id=assessment.id,
            chapter=chapter_key if chapter else None) + f"#{key}"
    return links


def review_page(assessment: Assessment, *, errors: dict[int, str] | None = None,
                entered: Any = None, status: int = 200, sign_off: SignOffForm | None = None):
    """The review page; after a refused post, with what was typed and the message at its
    row (``errors``: answer id → message)."""
    chapters = chapters_of(assessment.campaign.manual_version_id)
    key = request.args.get("chapter")
    chapter = next((c for c in chapters if c.key == key), None)
    if key and chapter is None:
        abort(404)
    rows = review_rows(assessment, chapter.id if chapter else None)
    editable = can_review(current_user, assessment)
    missing = missing_positions(assessment)
    texts = row_texts()
    ticks = entered.getlist("accept") if entered else [
        str(row.id) for row in rows if row.status and not row.to_confirm and not row.verdict
    ] if editable and request.args.get("tick") == "remaining" else []
    panels = collect(review_panels, assessment, user=current_user, editable=editable)
    row_extras: dict[int, Markup] = {}
    for panel in panels.pop("row", []):
        row_extras.update(panel.context["by_answer"])
    return render_template(
        "reviews/review.html", assessment=assessment, chapters=chapters, chapter=chapter,
        rows=rows, texts=requirement_texts(rows, current_language()), t=texts,
        radios=verdict_radios(texts.verdict), card=scorecard(assessment),
        CHOICE_OF={c: v.value for c, v in CODES.items()},
        missing=missing if editable else [], next_links=next_links(
            rows, missing, chapter, assessment) if editable else {},
        errors=errors or {}, entered=entered, editable=editable, token=generate_csrf(),
        download_url=url_for("evidence.download", evidence_id=918273645).split("918273645"),
        manual_url={c.id: url_for("manual.chapter", version_id=c.manual_version_id, key=c.key)
                    for c in chapters},
        badges={level: Markup('<span class="badge badge-{}">{}</span>').format(
            level, getattr(texts, level)) for level in ("major", "minor")},
        panels=panels, row_extras=row_extras, ticks=ticks,
        facts=collect_facts(requirement_facts, assessment, user=current_user, review=True,
                            requirement_ids=[row.requirement_id for row in rows]),
        problems=sign_off_problems(assessment) if editable else [],
        sign_off=sign_off or SignOffForm(formdata=None, signed_by_name=current_user.name,
                                         signed_on=clock.today()),
        reopen_form=ReopenForm()), status
