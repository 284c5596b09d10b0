"""Audit events as sentences a member reads: "An Peeters changed the answer to ORG-01
from “Partially compliant” to “Compliant”." Each kind of event has its sentence; the
values stored in the event (statuses, states, verdicts, booleans, dates) are shown
translated, in the reader's language, never as their codes. An event of a kind this
module does not know still gets a sentence (who changed what, when), never its code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from compliance.actions.workflow import ACTION_STATUS_LABELS
from compliance.assessments.models import STATE_LABELS, STATUS_LABELS
from compliance.assessments.workflow import can_see_verdicts
from compliance.audit import AuditEvent
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.reviews.models import VERDICT_LABELS

KEY = Markup('<span class="key">{}</span>')


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    sentence: Markup
    details: list[Markup] = field(default_factory=list)


@dataclass
class Told:
    """One event being told: who, which requirement, the values before and after."""

    event: AuditEvent
    files: dict[int, str]

    @property
    def before(self) -> dict[str, Any]:
        return self.event.before or {}

    @property
    def after(self) -> dict[str, Any]:
        return self.event.after or {}

    def say(self, template: str, **values: Any) -> Markup:
        """A translated sentence (``template`` as returned by gettext without values):
        the values escaped, the person and the requirement key filled in."""
        key = self.after.get("requirement") or self.before.get("requirement") or ""
        who = self.event.actor.name if self.event.actor else _("The application")
        via = self.after.get("via")
        if isinstance(via, dict):  # made through the API (compliance.api): which token
            who = _("%(name)s (API token “%(token)s”)", name=who, token=via.get("token", ""))
        return Markup.escape(template) % {"who": who, "key": KEY.format(key), **values}


def label(labels: dict[Any, Any], value: Any) -> str:
    """A stored value in words: its label, yes/no, a date; "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in labels:
        return str(labels[value])
    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _texts(told: Told, names: dict[str, str]) -> list[Markup]:
    """The free texts an event changed, each with what it is."""
    lines = []
    for name, title in names.items():
        value = told.after.get(name)
        if value and value != told.before.get(name):
            lines.append(Markup.escape(_("%(what)s: “%(text)s”")) % {"what": title,
                                                                   "text": value})
    return lines


def _answer_saved(told: Told) -> HistoryLine:
    before, after = told.before.get("status"), told.after.get("status")
    status = label(STATUS_LABELS, after)
    if told.before.get("to_confirm") and before == after:
        sentence = told.say(_("%(who)s confirmed the carried-over answer to %(key)s: "
                              "“%(status)s”."), status=status)
    elif before is None and after:
        sentence = told.say(_("%(who)s answered %(key)s: “%(status)s”."), status=status)
    elif before and after and before != after:
        sentence = told.say(_("%(who)s changed the answer to %(key)s from “%(before)s” to "
                              "“%(status)s”."), before=label(STATUS_LABELS, before),
                            status=status)
    elif before and not after:
        sentence = told.say(_("%(who)s took the answer to %(key)s back: not answered."))
    else:
        sentence = told.say(_("%(who)s saved the answer to %(key)s: “%(status)s”."),
                            status=status)
    return HistoryLine(told.event.at, sentence, _texts(told, {
        "justification": _("Why it does not apply"), "comment": _("Comment")}))


def _answer_confirmed(told: Told) -> HistoryLine:
    return HistoryLine(told.event.at, told.say(
        _("%(who)s confirmed the carried-over answer to %(key)s: “%(status)s”."),
        status=label(STATUS_LABELS, told.after.get("status"))))


def _answer_included(told: Told) -> HistoryLine:
    return HistoryLine(told.event.at, told.say(_("%(who)s took %(key)s into the "
                                                 "assessment.")),
                       _texts(told, {"inclusion_justification": _("Why it applies")}))


def _file(told: Told, data: dict[str, Any]) -> str:
    return told.files.get(data.get("evidence"), _("a file"))


def _evidence_linked(told: Told) -> HistoryLine:
    return HistoryLine(told.event.at, told.say(
        _("%(who)s added “%(file)s” to the evidence of %(key)s."),
        file=_file(told, told.after)))


def _evidence_unlinked(told: Told) -> HistoryLine:
    return HistoryLine(told.event.at, told.say(
        _("%(who)s took “%(file)s” off the evidence of %(key)s; the file is kept."),
        file=_file(told, told.before)))


def _assessment_created(told: Told) -> HistoryLine:
    sentence = told.say(_("%(who)s opened the assessment for the campaign “%(campaign)s”."),
                        campaign=told.after.get("campaign", ""))
    carried = [Markup.escape(_("The answers of the previous assessment were carried over, "
                               "to confirm."))] if told.after.get("carried_from") else []
    return HistoryLine(told.event.at, sentence, carried)


STATE_SENTENCES: dict[tuple[str | None, str], Callable[[], str]] = {
    ("not_started", "in_progress"): lambda: _("%(who)s started the assessment."),
    ("submitted", "in_pre_audit"): lambda: _("%(who)s started the pre-audit."),
    ("submitted", "in_progress"): lambda: _("%(who)s sent the assessment back for changes."),
    ("in_pre_audit", "in_progress"): lambda: _("%(who)s sent the assessment back for "
                                               "changes."),
    ("in_pre_audit", "pre_audited"): lambda: _("%(who)s completed the pre-audit."),
    ("pre_audited", "in_pre_audit"): lambda: _("%(who)s reopened the pre-audit."),
}


def _assessment_state(told: Told) -> HistoryLine:
    before, after = told.before.get("state"), told.after.get("state")
    if after == "submitted":
        sentence = told.say(_("%(who)s submitted the assessment."))
    elif (before, after) in STATE_SENTENCES:
        sentence = told.say(STATE_SENTENCES[(before, after)]())
    else:
        sentence = told.say(_("%(who)s moved the assessment from “%(before)s” to "
                              "“%(after)s”."), before=label(STATE_LABELS, before),
                            after=label(STATE_LABELS, after))
    return HistoryLine(told.event.at, sentence, _texts(told, {"reason": _("Reason")}))


def _verdict_saved(told: Told) -> HistoryLine:
    before, after = told.before.get("verdict"), told.after.get("verdict")
    if before and after and before != after:
        sentence = told.say(_("%(who)s changed the verdict on %(key)s from “%(before)s” to "
                              "“%(verdict)s”."), before=label(VERDICT_LABELS, before),
                            verdict=label(VERDICT_LABELS, after))
    else:
        sentence = told.say(_("%(who)s gave the verdict on %(key)s: “%(verdict)s”."),
                            verdict=label(VERDICT_LABELS, after))
    return HistoryLine(told.event.at, sentence, _texts(told, {
        "comment": _("Finding"), "reason": _("Why it does not apply"),
        "change_request": _("To change")}))


def _pre_audit_completed(told: Told) -> HistoryLine:
    return HistoryLine(told.event.at, told.say(
        _("%(who)s signed the pre-audit as %(name)s, dated %(date)s."),
        name=told.after.get("signed_by") or "—", date=label({}, told.after.get("signed_on"))))


def _pre_audit_reopened(told: Told) -> HistoryLine:
    return HistoryLine(told.event.at, told.say(_("%(who)s reopened the pre-audit.")),
                       _texts(told, {"reason": _("Reason")}))


ACTION_SENTENCES: dict[str, Callable[[], str]] = {
    "action.opened": lambda: _("A corrective action was opened on %(key)s, due %(due)s."),
    "action.updated": lambda: _("%(who)s changed the corrective action on %(key)s "
                                "(due %(due)s)."),
    "action.started": lambda: _("%(who)s started the corrective action on %(key)s."),
    "action.done": lambda: _("%(who)s marked the corrective action on %(key)s as done."),
    "action.verified": lambda: _("%(who)s verified the corrective action on %(key)s."),
    "action.reopened": lambda: _("%(who)s reopened the corrective action on %(key)s."),
    "action.withdrawn": lambda: _("The corrective action on %(key)s was withdrawn: its "
                                  "finding no longer stands."),
    "action.reinstated": lambda: _("The corrective action on %(key)s stands again: its "
                                   "finding was confirmed."),
}


def _action(told: Told) -> HistoryLine:
    template = ACTION_SENTENCES[told.event.action]()
    sentence = told.say(template, due=label({}, told.after.get("due_date")))
    details = _texts(told, {"description": _("Action"), "closure_note": _("What was done"),
                            "reopen_reason": _("Reason")})
    if told.event.action == "action.updated" and told.after.get("status") != \
            told.before.get("status"):
        details.append(Markup.escape(_("Status: “%(status)s”.")) % {
            "status": label(ACTION_STATUS_LABELS, told.after.get("status"))})
    return HistoryLine(told.event.at, sentence, details)


REQUEST_SENTENCES: dict[str, Callable[[], str]] = {
    "request.asked": lambda: _("%(who)s asked the member about %(key)s."),
    "request.answered": lambda: _("%(who)s answered the request on %(key)s."),
    "request.asked_again": lambda: _("%(who)s asked again about %(key)s."),
    "request.closed": lambda: _("%(who)s closed the request on %(key)s."),
}


def _request(told: Told) -> HistoryLine:
    """A request to the member (compliance.requests_): asked, answered, closed."""
    details = _texts(told, {"question": _("Question"), "response": _("Answer"),
                            "reason": _("What is still missing")})
    if told.after.get("files") and told.after.get("files") != told.before.get("files"):
        details.append(Markup.escape(_("Files: %(files)s")) % {"files": ", ".join(
            told.files.get(i, "—") for i in told.after["files"])})
    return HistoryLine(told.event.at, told.say(REQUEST_SENTENCES[told.event.action]()),
                       details)


def _something(told: Told) -> HistoryLine:
    if told.after.get("requirement") or told.before.get("requirement"):
        return HistoryLine(told.event.at, told.say(_("%(who)s changed %(key)s.")))
    return HistoryLine(told.event.at, told.say(_("%(who)s changed the assessment.")))


SENTENCES: dict[str, Callable[[Told], HistoryLine]] = {
    "answer.saved": _answer_saved, "answer.confirmed": _answer_confirmed,
    "answer.included": _answer_included, "evidence.linked": _evidence_linked,
    "evidence.unlinked": _evidence_unlinked, "assessment.created": _assessment_created,
    "assessment.state": _assessment_state, "verdict.saved": _verdict_saved,
    "pre_audit.completed": _pre_audit_completed, "pre_audit.reopened": _pre_audit_reopened,
    **dict.fromkeys(ACTION_SENTENCES, _action), **dict.fromkeys(REQUEST_SENTENCES, _request),
}


def tell(event: AuditEvent, files: dict[int, str]) -> HistoryLine:
    return SENTENCES.get(event.action, _something)(Told(event, files))


def assessment_history(assessment: Any, user: Any) -> list[HistoryLine]:
    """Every event of an assessment, newest first, as sentences; the pre-audit's only
    to those who may see its verdicts."""
    query = select(AuditEvent).where(AuditEvent.assessment_id == assessment.id)
    if not can_see_verdicts(user, assessment):
        query = query.where(~AuditEvent.action.like("verdict.%"),
                            ~AuditEvent.action.like("pre_audit.%"))
    events = db.session.scalars(query.order_by(AuditEvent.id.desc())).unique().all()
    ids = {data.get("evidence") for e in events if e.action.startswith("evidence.")
           for data in (e.before or {}, e.after or {})} - {None}
    ids |= {i for e in events if e.action.startswith("request.")
            for i in (e.after or {}).get("files") or []}
    files = dict(db.session.execute(select(Evidence.id, Evidence.title).where(
        Evidence.id.in_(ids))).all()) if ids else {}
    return [tell(event, files) for event in events]
