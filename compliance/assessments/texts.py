"""The requirements' texts as the checklist shows them (title; guidance, expected evidence
and references), written once per requirement and language and then kept in memory.

A stored requirement never changes (a changed manual is a new version) and its text hash
names what a member reads, so (id, text hash, language) names the written texts for good.
They are most of the checklist's HTML and most of the time it took to read and write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select

from compliance.extensions import db
from compliance.i18n import translated
from compliance.manual.models import Requirement

#: Enough for a few manual versions in three languages; past it, the cache starts over.
KEPT = 3000
DETAILS = Markup('<details><summary>{}</summary><p>{}</p><dl class="facts"><dt>{}</dt>'
                 '<dd>{}</dd><dt>{}</dt><dd>{}</dd></dl></details>')


@dataclass(frozen=True)
class RequirementTexts:
    title: Markup
    details: Markup
    expected: Markup  # the expected evidence alone (the review page shows only this)


_written: dict[tuple[int, str, str], RequirementTexts] = {}


def _write(requirement: Requirement, language: str) -> RequirementTexts:
    return RequirementTexts(
        Markup.escape(translated(requirement.title, language)),
        DETAILS.format(gettext("Guidance, expected evidence and references"),
                       translated(requirement.guidance, language),
                       gettext("Expected evidence"), translated(requirement.evidence, language),
                       gettext("Legal references"), "; ".join(requirement.references)),
        Markup.escape(translated(requirement.evidence, language)))


def requirement_texts(rows: Iterable, language: str) -> dict[int, RequirementTexts]:  # noqa: ANN001
    """Requirement id → its texts, for rows that have ``requirement_id`` and
    ``text_hash``; what was never written yet is read in one query."""
    found: dict[int, RequirementTexts] = {}
    missing: set[int] = set()
    for row in rows:
        texts = _written.get((row.requirement_id, row.text_hash, language))
        if texts is None:
            missing.add(row.requirement_id)
        else:
            found[row.requirement_id] = texts
    if missing:
        if len(_written) + len(missing) > KEPT:
            _written.clear()
        for requirement in db.session.scalars(select(Requirement).where(
                Requirement.id.in_(missing))):
            texts = _write(requirement, language)
            _written[(requirement.id, requirement.text_hash, language)] = texts
            found[requirement.id] = texts
    return found
