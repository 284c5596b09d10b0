"""How requests show on the pages of the features below: the review page lists them and
offers "ask the member" on each row, the member's start page lists those to answer, and
a request the consultant said blocks the sign-off refuses it until it is closed."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select

from compliance.assessments.models import Answer
from compliance.extensions import db
from compliance.panels import Panel
from compliance.requests_ import queries
from compliance.requests_.services import blocking
from compliance.requests_.workflow import STATE_LABELS
from compliance.signals import home_panels, pre_audit_completing, review_panels

ASK = Markup(' <a class=ask href={}{}{}>{}</a>{}')
ON_ROW = Markup(' <a class="badge badge-request state-{}" href="{}">{}</a>')


@pre_audit_completing.connect
def _blocking_requests(assessment: Any, *, problems: list[str], **_: Any) -> None:
    for request in blocking(assessment.id):
        problems.append(gettext(
            "The request on %(key)s must be closed before the sign-off (you said it "
            "blocks it).", key=request.requirement_key))


@review_panels.connect
def _review_requests(assessment: Any, *, user: Any, editable: bool,
                     panels: list[Panel]) -> None:
    requests = queries.of_assessment(assessment.id)
    if requests:
        panels.append(Panel("requests_/_review_list.html", {
            "requests": [r for r in requests if r.state != "closed"],
            "closed": sum(1 for r in requests if r.state == "closed"),
            "assessment": assessment}, slot="main", order=10))
    panels.append(Panel("", {"by_answer": _row_parts(assessment, requests, editable)}, slot="row"))


def _row_parts(assessment: Any, requests: list[Any], editable: bool) -> dict[int, Markup]:
    """Answer id → what its row shows: its requests and, while the review is open, the
    link to ask (made once per page: the address split around the answer id)."""
    on_rows: dict[int, Markup] = {}
    for request in requests:
        on_rows[request.answer_id] = on_rows.get(request.answer_id, Markup("")) + \
            ON_ROW.format(request.state, url_for("requests_.show", request_id=request.id),
                          STATE_LABELS[request.state])
    if not editable:
        return on_rows
    before, after = url_for("requests_.ask", answer_id=918273645).split("918273645")
    text = gettext("Ask the member")
    return {answer_id: ASK.format(before, answer_id, after, text, on_rows.get(answer_id, ""))
            for answer_id in db.session.scalars(select(Answer.id).where(
                Answer.assessment_id == assessment.id, Answer.included.is_(True)))}


@home_panels.connect
def _requests_to_answer(user: Any, *, panels: list[Panel], **_: Any) -> None:
    waiting = queries.waiting_for(user)
    if waiting:
        panels.append(Panel("requests_/_home.html", {"requests": waiting}, order=5))
    answered = [] if user.member_id else queries.answered_for(user)
    if answered:
        panels.append(Panel("requests_/_home_answered.html", {"requests": answered}, order=5))
