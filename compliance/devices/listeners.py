"""The register's figures beside the requirements about statements and traceability, on
the member's checklist and the consultant's pre-audit (with a sample of incomplete
statements there). Which requirements, in whatever manual version the assessment uses:
those whose records are kept as long as the statement (retention row ``statement``),
and those that cite Annex XIII §1 with the statement's guidance (MDCG 2021-3 Q9) or with
identification and traceability (EN ISO 13485 §7.5.8)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import ColumnElement, String, cast, or_, select

from compliance import clock
from compliance.devices import queries
from compliance.devices.elements import label
from compliance.extensions import db
from compliance.manual.models import Requirement
from compliance.panels import Panel
from compliance.signals import requirement_facts

STATEMENT = "MDR Annex XIII §1"
WITH_STATEMENT = ("MDCG 2021-3 Q9", "EN ISO 13485:2016 §7.5.8")


def about_statements(references: list[str] | None, retention: list[str] | None) -> bool:
    references = list(references or ())
    return "statement" in (retention or ()) or (
        STATEMENT in references and any(ref in references for ref in WITH_STATEMENT))


def may_be_about_statements() -> ColumnElement[bool]:
    """What the database can tell of :func:`about_statements` from the stored JSON text:
    the few requirements it lets through are then read and decided in Python."""
    return or_(cast(Requirement.retention, String).contains('"statement"'),
               cast(Requirement.references, String).contains("Annex XIII"))


@requirement_facts.connect
def _register_figures(assessment: Any, *, user: Any, requirement_ids: list[int], review: bool,
                      facts: dict[int, list[Panel]]) -> None:
    if not requirement_ids:
        return
    # Only the few of the manual version that may be about statements are read (and their
    # JSON decoded), not the page's 150 requirements.
    rows = db.session.execute(select(Requirement.id, Requirement.references,
                                     Requirement.retention)
                              .where(Requirement.manual_version_id
                                     == assessment.campaign.manual_version_id,
                                     may_be_about_statements()))
    about = {rid for rid, references, retention in rows
             if about_statements(references, retention)}  # the page's are picked below
    matching = [rid for rid in requirement_ids if rid in about]  # in the page's order
    if not matching:
        return
    today = clock.today()
    context = {"figures": queries.last_months(assessment.member_id, today), "sample": [],
               "register_url": url_for("devices.register", member_id=assessment.member_id),
               "element_label": label}
    # The consultant's sample of incomplete statements goes with the first of these
    # requirements only: the same list on every one of them would weigh on the page.
    sample = queries.incomplete_sample(assessment.member_id, today) if review else []
    first = Panel("devices/_facts.html", {**context, "sample": sample}, slot="facts")
    rest = Panel("devices/_facts.html", context, slot="facts")  # one HTML for them all
    for index, rid in enumerate(matching):
        facts[rid].append(rest if index else first)
