"""The register's figures beside the requirements about statements and traceability, on
the member's checklist and the consultant's pre-audit (with a sample of incomplete
statements there). Which requirements: those whose references name the Annex XIII
statement (§1), its retention (§4) or traceability (EN ISO 13485 §7.5.8), in whatever
manual version the assessment uses."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select

from compliance import clock
from compliance.devices import queries
from compliance.devices.elements import label
from compliance.extensions import db
from compliance.manual.models import Requirement
from compliance.panels import Panel
from compliance.signals import requirement_facts

TOPICS = ("MDR Annex XIII §1", "MDR Annex XIII §4", "EN ISO 13485:2016 §7.5.8")


def about_statements(references: list[str] | None) -> bool:
    return any(ref.startswith(topic) for ref in references or () for topic in TOPICS)


@requirement_facts.connect
def _register_figures(assessment: Any, *, user: Any, requirement_ids: list[int], review: bool,
                      facts: dict[int, list[Panel]]) -> None:
    if not requirement_ids:
        return
    rows = db.session.execute(select(Requirement.id, Requirement.references)
                              .where(Requirement.id.in_(requirement_ids)))
    matching = [rid for rid, references in rows if about_statements(references)]
    if not matching:
        return
    today = clock.today()
    panel = Panel("devices/_facts.html", {
        "figures": queries.last_months(assessment.member_id, today),
        "sample": queries.incomplete_sample(assessment.member_id, today) if review else [],
        "register_url": url_for("devices.register", member_id=assessment.member_id),
        "element_label": label}, slot="facts")
    for rid in matching:
        facts[rid].append(panel)
