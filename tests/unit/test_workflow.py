"""The workflow engine and the three tables: what is allowed, by whom, with which reason."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest
from blinker import Signal

from compliance.actions.workflow import ACTION_FLOW, ActionStatus
from compliance.assessments.workflow import ASSESSMENT_FLOW, State
from compliance.errors import DomainError
from compliance.reviews.workflow import PRE_AUDIT_FLOW, PreAuditState
from compliance.workflow import Transition, Workflow


class Light(StrEnum):
    RED = "red"
    GREEN = "green"


@dataclass
class Thing:
    state: Light = Light.RED

    def snapshot(self) -> dict:
        return {"state": self.state}


def flow(records: list, signal: Signal) -> Workflow[Light]:
    return Workflow(
        "light", states=Light, signal=signal,
        record=lambda obj, t, before, actor, reason: records.append((t.name, before, reason)),
        groups={"stopped": {Light.RED}},
        transitions=[
            Transition("go", {Light.RED}, Light.GREEN, lambda user, obj: user == "driver",
                       "not from there"),
            Transition("stop", {Light.GREEN}, Light.RED, lambda user, obj: True,
                       "not from there", reason_required=True, reason_missing="why?"),
        ])


def test_a_transition_checks_state_role_and_reason_then_records_and_signals():
    records, signal, heard = [], Signal(), []
    signal.connect(lambda sender, **kw: heard.append(kw["transition"]), weak=False)
    light, thing = flow(records, signal), Thing()
    with pytest.raises(DomainError, match="not allowed|does not allow"):
        light.move(thing, "go", actor="walker")
    with pytest.raises(DomainError) as refused:
        light.move(thing, "stop", actor="driver", reason="x")
    assert str(refused.value.message) == "not from there"
    light.move(thing, "go", actor="driver")
    assert thing.state == Light.GREEN and heard == ["go"]
    with pytest.raises(DomainError) as missing:
        light.move(thing, "stop", actor="anyone", reason="  ")
    assert str(missing.value.message) == "why?" and thing.state == Light.GREEN
    light.move(thing, "stop", actor="anyone", reason=" red light ")
    assert records == [("go", {"state": Light.RED}, None),
                       ("stop", {"state": Light.GREEN}, "red light")]


def test_an_error_inside_the_block_leaves_the_state_alone():
    light, thing = flow([], Signal()), Thing()
    with pytest.raises(DomainError), light.transition(thing, "go", actor="driver"):
        raise DomainError("a rule of the block")
    assert thing.state == Light.RED


def test_a_table_naming_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("bad", states=Light, signal=Signal(), record=lambda *a: None, groups={},
                 transitions=[Transition("x", {"blue"}, Light.RED, lambda u, o: True, "")])


@pytest.mark.parametrize("workflow, state_enum", [
    (ASSESSMENT_FLOW, State), (PRE_AUDIT_FLOW, PreAuditState), (ACTION_FLOW, ActionStatus)])
def test_every_state_can_be_reached_and_groups_use_known_states(workflow, state_enum):
    targets = {t.target for t in workflow.transitions.values()}
    sources = {s for t in workflow.transitions.values() for s in t.sources}
    initial = next(iter(state_enum))
    assert set(state_enum) <= targets | {initial}
    assert sources <= set(state_enum)
    assert all(group <= set(state_enum) for group in workflow.groups.values())


def test_the_assessment_groups():
    assert ASSESSMENT_FLOW.group("editable") == {State.NOT_STARTED, State.IN_PROGRESS}
    assert ASSESSMENT_FLOW.group("reviewable") == {State.SUBMITTED, State.IN_PRE_AUDIT}
    assert ASSESSMENT_FLOW.group("reviewed") == {State.SUBMITTED, State.IN_PRE_AUDIT,
                                                 State.PRE_AUDITED}
    sent_back = ASSESSMENT_FLOW.transitions["send_back"]
    assert sent_back.reason_required and sent_back.target == State.IN_PROGRESS
    assert ASSESSMENT_FLOW.transitions["reopen_pre_audit"].reason_required
