"""The history page of an assessment (a page of the assessments feature) gets its
sentences from here."""

from __future__ import annotations

from typing import Any

from compliance.history.sentences import assessment_history
from compliance.panels import Panel
from compliance.signals import assessment_history_panels


@assessment_history_panels.connect
def _events_as_sentences(assessment: Any, *, user: Any, panels: list[Panel]) -> None:
    panels.append(Panel("history/_events.html",
                        {"lines": assessment_history(assessment, user)}))
