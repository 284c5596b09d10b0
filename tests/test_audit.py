"""The audit trail: appended on every change, hash-chained, tamper-evident."""

import pytest
from sqlalchemy import text

from compliance.audit import AuditEvent, log_event, verify_chain
from compliance.extensions import db


def make_events(app, count=5):
    with app.app_context():
        for i in range(count):
            log_event("test.event", object_type="thing", object_id=i, after={"n": i})
        db.session.commit()


def test_a_whole_chain_verifies(app, runner):
    make_events(app)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.strip() == "audit chain whole: 5 events"


def test_an_empty_chain_verifies(app, runner):
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_changed_row_is_named(app, runner):
    make_events(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET after = :v WHERE id = 3"), {"v": '{"n": 99}'})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "audit chain broken at event 3: event 3 was changed" in result.output


def test_a_removed_row_is_named(app, runner):
    make_events(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 2"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "audit chain broken at event 2: event 2 is missing" in result.output


def test_removing_the_newest_rows_is_caught(app, runner):
    make_events(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id >= 4"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "events after 3 were removed" in result.output


def test_a_recomputed_hash_still_breaks_the_next_link(app):
    make_events(app)
    with app.app_context():
        entry = db.session.get(AuditEvent, 2)
        fields = entry.hashed_fields() | {"after": {"n": 42}}
        from compliance.audit import event_hash
        forged = event_hash(fields)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_event SET after = :a, hash = :h WHERE id = 2"),
                         {"a": '{"n": 42}', "h": forged})
        db.session.rollback()  # end the read transaction: see the forged row
        result = verify_chain()
        assert not result.ok and result.bad_id == 3


def test_the_orm_refuses_to_change_or_delete_events(app):
    make_events(app, 1)
    with app.app_context():
        entry = db.session.get(AuditEvent, 1)
        entry.action = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, 1))
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()
