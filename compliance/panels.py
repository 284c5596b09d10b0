"""Parts of a page that a higher feature adds to a lower feature's page.

A lower feature's page sends its ``*_panels`` signal (see ``compliance.signals``) with a
list; the features above it append :class:`Panel` objects, and the page renders them
in its slots. So the assessment's overview shows the pre-audit's result without the
assessments feature importing the reviews feature.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from blinker import Signal
from flask import render_template
from markupsafe import Markup


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    slot: str = "main"
    order: int = 50

    def render(self) -> Markup:
        """Written once: a panel offered beside several requirements is the same HTML."""
        return self.html

    @cached_property
    def html(self) -> Markup:
        return Markup(render_template(self.template, **self.context))


def collect(signal: Signal, sender: Any, **kwargs: Any) -> dict[str, list[Panel]]:
    """Every panel the receivers offer, by slot, in their order."""
    panels: list[Panel] = []
    signal.send(sender, panels=panels, **kwargs)
    slots: dict[str, list[Panel]] = defaultdict(list)
    for panel in sorted(panels, key=lambda p: p.order):
        slots[panel.slot].append(panel)
    return slots


def collect_facts(signal: Signal, sender: Any, **kwargs: Any) -> dict[int, list[Panel]]:
    """What the receivers add beside each requirement (requirement id → panels)."""
    facts: dict[int, list[Panel]] = defaultdict(list)
    signal.send(sender, facts=facts, **kwargs)
    return {key: sorted(panels, key=lambda p: p.order) for key, panels in facts.items()}
