"""The life of a stateful object as a table: its transitions, who may make each, whether
a reason is required, and the named groups of states that pages and permissions ask
about. Each stateful feature declares one :class:`Workflow` in its ``workflow.py``.

Every state change goes through :meth:`Workflow.transition`, which refuses with a
:class:`~compliance.errors.DomainError` what the table does not allow, sets the state,
records the audit event and sends the workflow's signal. The object's ``revision``
(a version column) makes two concurrent transitions of the same object conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from blinker import Signal
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import update

from compliance.errors import DomainError
from compliance.extensions import db

S = TypeVar("S", bound=StrEnum)
#: name → workflow, offered to templates as ``workflows`` (``workflows.action.allows(...)``).
WORKFLOWS: dict[str, Workflow[Any]] = {}
Who = Callable[[Any, Any], bool]
#: Writes the audit event: (object, transition, snapshot before, actor, reason).
Recorder = Callable[[Any, "Transition", dict[str, Any], Any, str | None], None]


@dataclass(frozen=True)
class Transition(Generic[S]):
    name: str
    sources: frozenset[S]
    target: S
    who: Who
    refused: object  # why it cannot happen from another state, for the person
    reason_required: bool = False
    reason_missing: object = _l("Give a reason: it is required.")

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))


class Workflow(Generic[S]):
    def __init__(self, name: str, *, states: type[S], transitions: list[Transition[S]],
                 groups: Mapping[str, frozenset[S]], signal: Signal, record: Recorder,
                 attribute: str = "state"):
        self.name = name
        self.states = states
        self.transitions = {t.name: t for t in transitions}
        self.groups = {key: frozenset(value) for key, value in groups.items()}
        self.signal = signal
        self.record = record
        self.attribute = attribute
        unknown = {s for t in transitions for s in (*t.sources, t.target)} - set(states)
        if unknown:  # a table that names a state the enum lacks is a programming error
            raise ValueError(f"{name}: unknown states {unknown}")
        WORKFLOWS[name] = self

    def state_of(self, obj: Any) -> S:
        return self.states(getattr(obj, self.attribute))

    def group(self, name: str) -> frozenset[S]:
        return self.groups[name]

    def is_in(self, obj: Any, group: str) -> bool:
        return self.state_of(obj) in self.groups[group]

    def allows(self, name: str, user: Any, obj: Any) -> bool:
        """May ``user`` make this transition now? (The rule a button is hidden by.)"""
        transition = self.transitions[name]
        return self.state_of(obj) in transition.sources and bool(transition.who(user, obj))

    @contextmanager
    def transition(self, obj: Any, name: str, *, actor: Any,
                   reason: str | None = None) -> Iterator[Transition[S]]:
        """Check, let the block change what goes with the transition, then move the
        state, record the audit event and send the signal. A DomainError raised in
        the block stops the transition."""
        transition = self.transitions[name]
        if self.state_of(obj) not in transition.sources:
            raise DomainError(transition.refused)
        if actor is not None and not transition.who(actor, obj):
            raise DomainError(_l("Your role does not allow this."))
        reason = (reason or "").strip() or None
        if transition.reason_required and reason is None:
            raise DomainError(transition.reason_missing)
        before = obj.snapshot()
        yield transition
        setattr(obj, self.attribute, transition.target)
        self.record(obj, transition, before, actor, reason)
        self.signal.send(obj, transition=name, actor=actor, reason=reason)

    def move(self, obj: Any, name: str, *, actor: Any, reason: str | None = None) -> None:
        """A transition with nothing else to change."""
        with self.transition(obj, name, actor=actor, reason=reason):
            pass

    def move_once(self, obj: Any, name: str, *, actor: Any) -> bool:
        """A transition that several requests may make at once (the first answer of two
        people starts the assessment): the first one makes it, the others find it made
        and go on, where :meth:`transition` would make them conflict."""
        transition = self.transitions[name]
        before = self.state_of(obj)
        if before not in transition.sources:
            return False
        if actor is not None and not transition.who(actor, obj):
            raise DomainError(_l("Your role does not allow this."))
        model = type(obj)
        values: dict[str, Any] = {self.attribute: transition.target}
        version = sa_inspect(model).version_id_col
        if version is not None:
            values[version.key] = getattr(model, version.key) + 1
        made = db.session.execute(
            update(model).where(model.id == obj.id,
                                getattr(model, self.attribute).in_(transition.sources))
            .values(values).execution_options(synchronize_session=False)).rowcount
        db.session.refresh(obj, [self.attribute, *([version.key] if version is not None
                                                   else [])])
        if made:
            self.record(obj, transition, {"state": before}, actor, None)
            self.signal.send(obj, transition=name, actor=actor, reason=None)
        return bool(made)
