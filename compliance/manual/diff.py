"""What changed in a requirement from one manual version to the next: its texts diffed
word by word in one language, and its references, criticality, basis and applicability
compared. Pure: no Flask, no database; takes plain values, returns dataclasses."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

TEXTS = ("title", "guidance", "evidence")
#: a word or a run of punctuation, each with the space after it
TOKEN = re.compile(r"\w+\s*|[^\w\s]+\s*")


@dataclass(frozen=True)
class Segment:
    kind: str  # same, removed or added
    text: str


@dataclass(frozen=True)
class TextChange:
    field: str  # title, guidance or evidence
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class FieldChange:
    field: str  # criticality, basis, applies_to, period_months
    before: object
    after: object


@dataclass(frozen=True)
class Comparison:
    """One old requirement against the new one that carries it on, in one language."""

    texts: tuple[TextChange, ...]
    references_added: tuple[str, ...]
    references_removed: tuple[str, ...]
    fields: tuple[FieldChange, ...]

    @property
    def changed(self) -> bool:
        return bool(self.texts or self.references_added or self.references_removed
                    or self.fields)


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The words of ``old`` and ``new`` as runs kept, removed and added, in reading order
    (a replaced run is shown removed, then added). Punctuation counts as a word of its
    own, so "qualified" and "qualified," differ by the comma only; the segments joined
    give the texts back (with their spaces made single)."""
    before, after = _tokens(old), _tokens(new)
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, [t.rstrip() for t in before], [t.rstrip() for t in after],
                              autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(after[j1:j2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(before[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(after[j1:j2])))
    return tuple(segments)


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(" ".join(text.split()))


def compare(old: Mapping[str, object], new: Mapping[str, object], language: str
            ) -> Comparison:
    """Compare two requirements given as mappings of their fields (texts as
    ``{"fr": ..., "nl": ..., "en": ...}``); texts in ``language``. A basis the old version
    did not state is not a change (every requirement states one from format 2)."""
    texts = []
    for name in TEXTS:
        before = _text(old.get(name), language)
        after = _text(new.get(name), language)
        if " ".join(before.split()) != " ".join(after.split()):
            texts.append(TextChange(name, word_diff(before, after)))
    old_refs = _items(old.get("references"))
    new_refs = _items(new.get("references"))
    fields = []
    for name in ("criticality", "basis", "applies_to", "period_months"):
        before, after = old.get(name), new.get(name)
        if name == "applies_to":
            before, after = tuple(before or ()), tuple(after or ())
        if before != after and not (name == "basis" and before is None):
            fields.append(FieldChange(name, before, after))
    return Comparison(
        texts=tuple(texts),
        references_added=tuple(r for r in new_refs if r not in old_refs),
        references_removed=tuple(r for r in old_refs if r not in new_refs),
        fields=tuple(fields))


def _text(texts: object, language: str) -> str:
    if not isinstance(texts, Mapping):
        return ""
    return str(texts.get(language) or texts.get("en") or "")


def _items(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, Sequence) and not isinstance(value, str) else ()
