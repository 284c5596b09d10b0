"""Receiving statements: kept complete or incomplete, re-posts never duplicate, refusals
store nothing, one audit event per batch, messages in the member's language."""

from __future__ import annotations

from sqlalchemy import func, select

from compliance import clock
from compliance.audit import AuditEvent
from compliance.devices.models import DeviceStatement
from compliance.devices.services import receive_statements
from compliance.extensions import db
from tests.devices.conftest import TODAY, member_named, payload


def count() -> int:
    return db.session.scalar(select(func.count(DeviceStatement.id)))


def test_complete_and_incomplete_statements_are_kept(app, people):
    with app.app_context(), clock.frozen(TODAY):
        member = member_named("MEM-A")
        incomplete = payload(external_id="ORD-2", characteristics=None)
        results = receive_statements(member, [payload(), incomplete], actor_label="Practice X")
        db.session.commit()
        assert [r.outcome for r in results] == ["created", "created"]
        first, second = (r.statement for r in results)
        assert first.complete and first.missing == []
        assert first.retention_end.isoformat() == "2036-11-05"  # 10 years after handover
        assert not second.complete and second.missing == ["characteristics"]
        assert [m.field for m in results[1].missing] == ["characteristics"]
        # MEM-A is in Flanders: what is missing is said in Dutch
        assert results[1].missing[0].message.startswith("Ontbreekt")
        assert first.month == "2026-11" and first.received_by == "Practice X"


def test_implantable_devices_are_kept_15_years_from_delivery(app, people):
    with app.app_context(), clock.frozen(TODAY):
        data = payload(handover_date=None)
        data["device"] = {**data["device"], "implantable": True, "class": "IIb"}
        [result] = receive_statements(member_named("MEM-A"), [data], actor_label="X")
        assert result.statement.retention_end.isoformat() == "2041-11-02"


def test_the_same_external_id_updates_never_duplicates(app, people):
    with app.app_context(), clock.frozen(TODAY):
        member = member_named("MEM-A")
        receive_statements(member, [payload()], actor_label="X")
        db.session.commit()
        [again] = receive_statements(member, [payload()], actor_label="X")
        assert again.outcome == "unchanged" and again.statement.revision == 1
        [changed] = receive_statements(member, [payload(handover_date="2026-11-20")],
                                       actor_label="X")
        db.session.commit()
        assert changed.outcome == "updated" and changed.statement.revision == 2
        assert str(changed.statement.handover_date) == "2026-11-20"
        assert count() == 1
        # twice in one batch: the second updates the first
        results = receive_statements(member, [payload(external_id="B"),
                                              payload(external_id="B", patient_code="PT-2")],
                                     actor_label="X")
        db.session.commit()
        assert [r.outcome for r in results] == ["created", "updated"]
        assert count() == 2


def test_the_same_external_id_of_another_member_is_another_statement(app, people):
    with app.app_context(), clock.frozen(TODAY):
        receive_statements(member_named("MEM-A"), [payload()], actor_label="X")
        receive_statements(member_named("MEM-B"), [payload()], actor_label="X")
        db.session.commit()
        assert count() == 2


def test_a_refused_statement_stores_nothing_and_says_why(app, people):
    with app.app_context(), clock.frozen(TODAY):
        results = receive_statements(member_named("MEM-A"), [
            payload(patient_code="85.07.30-033.28"), payload(external_id="OK")],
            actor_label="X", language="fr")
        db.session.commit()
        refused, kept = results
        assert refused.refused and refused.statement is None
        assert [e.field for e in refused.errors] == ["patient_code"]
        assert "registre national" in refused.errors[0].message
        assert kept.outcome == "created"
        assert db.session.scalars(select(DeviceStatement.external_id)).all() == ["OK"]


def test_one_audit_event_per_batch(app, people):
    with app.app_context(), clock.frozen(TODAY):
        member = member_named("MEM-A")
        receive_statements(member, [payload(external_id=f"N{i}") for i in range(5)] +
                           [payload(patient_name="Jan")], actor_label="Practice X")
        db.session.commit()
        [event] = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "statements_received")).all()
        assert event.member_id == member.id
        assert event.after["by"] == "Practice X"
        assert event.after["created"] == 5 and event.after["refused"] == 1
        assert len(event.after["statement_ids"]) == 5


def test_a_national_number_as_external_id_is_neither_echoed_nor_audited(app, people):
    with app.app_context(), clock.frozen(TODAY):
        [result] = receive_statements(member_named("MEM-A"),
                                      [payload(external_id="85073003328")], actor_label="X")
        db.session.commit()
        assert result.refused and result.external_id is None
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "statements_received"))
        assert "85073003328" not in str(event.after)


def test_the_demo_statements(app, people):
    from compliance.devices.demo import add_demo_statements

    with app.app_context(), clock.frozen(TODAY):
        results = add_demo_statements(member_named("MEM-A"), TODAY)
        db.session.commit()
        assert len(results) == 36 and not any(r.refused for r in results)
        assert sum(1 for r in results if r.missing) == 3
        assert sum(1 for r in results if r.statement.handover_date is None) == 3
        assert {r.statement.month for r in results} >= {"2026-06", "2026-11"}
