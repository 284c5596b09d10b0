"""The audit trail: appended on every change, hash-chained, authenticated with a key kept
outside the database, and checkpointed outside it: what an insider with write access to
the database can and cannot do to it unnoticed."""

import json

import pytest
from sqlalchemy import select, text

from compliance.audit import (
    GENESIS,
    AuditEvent,
    AuditHead,
    event_hash,
    event_mac,
    head_mac,
    log_event,
    verify_chain,
)
from compliance.extensions import db
from tests.test_migrations import migrated_database_url  # noqa: F401


def make_events(app, count=5):
    with app.app_context():
        for i in range(count):
            log_event("test.event", object_type="thing", object_id=i, after={"n": i})
        db.session.commit()


def key_of(app) -> bytes:
    return app.config["AUDIT_KEY"].encode()


def rewrite(app, event_id: int, after: dict, *, key: bytes | None = None) -> None:
    """What an insider with write access does: change one event, then recompute every
    later hash (and every MAC, if they hold the key) and the head, so that each link
    fits again."""
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.id >= event_id)
                                  .order_by(AuditEvent.id)).all()
        prev = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == event_id - 1)) \
            or GENESIS
        head = db.session.get(AuditHead, 1)
        changes = []
        for row in rows:
            fields = row.hashed_fields() | {"prev_hash": prev}
            if row.id == event_id:
                fields["after"] = after
            new_hash = event_hash(fields)
            changes.append({"i": row.id, "a": json.dumps(fields["after"]), "p": prev,
                            "h": new_hash, "m": event_mac(key, row.id, new_hash) if key
                            else row.mac})
            prev = new_hash
        last = (changes[-1]["i"], prev)
        head_values = {"h": prev, "m": head_mac(key, *last, head.mac_from) if key
                       else head.mac}
        db.session.rollback()
        with db.engine.begin() as conn:
            for change in changes:
                conn.execute(text("UPDATE audit_event SET after = :a, prev_hash = :p, "
                                  "hash = :h, mac = :m WHERE id = :i"), change)
            conn.execute(text("UPDATE audit_head SET last_hash = :h, mac = :m WHERE id = 1"),
                         head_values)


def cut_tail(app, keep: int, head_row: dict | None = None) -> None:
    """Remove the events after ``keep`` and move the head back to it (recomputed, or a
    copy of an older head row taken earlier)."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id > :k"), {"k": keep})
        last_hash = conn.execute(text("SELECT hash FROM audit_event WHERE id = :k"),
                                 {"k": keep}).scalar()
        values = head_row or {"last_id": keep, "last_hash": last_hash, "mac": None}
        conn.execute(text("UPDATE audit_head SET last_id = :last_id, last_hash = :last_hash, "
                          "mac = :mac WHERE id = 1"), values)


def head_row(app) -> dict:
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        return {"last_id": head.last_id, "last_hash": head.last_hash, "mac": head.mac}


def take_checkpoint(runner, path) -> dict:
    result = runner.invoke(args=["audit", "checkpoint", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


# --- the chain -------------------------------------------------------------------------------

def test_a_whole_chain_verifies(app, runner):
    make_events(app)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.strip() == "audit chain whole: 5 events, authenticated from event 1"


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


def test_a_recomputed_hash_is_caught_at_that_event(app):
    """Its MAC no longer matches (without the key it cannot be recomputed); and the next
    link would break too."""
    make_events(app)
    with app.app_context():
        entry = db.session.get(AuditEvent, 2)
        fields = entry.hashed_fields() | {"after": {"n": 42}}
        forged = event_hash(fields)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_event SET after = :a, hash = :h WHERE id = 2"),
                         {"a": '{"n": 42}', "h": forged})
        db.session.rollback()  # end the read transaction: see the forged row
        result = verify_chain()
        assert not result.ok and result.bad_id == 2 and "rewritten" in result.reason


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


# --- an insider without the key --------------------------------------------------------------

def test_a_chain_rewritten_with_every_hash_recomputed_is_caught(app, runner):
    make_events(app)
    rewrite(app, 2, {"n": 42})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "audit chain broken at event 2: event 2 was rewritten (its MAC does not match)" \
        in result.output


def test_removing_the_newest_event_and_moving_the_head_back_is_caught(app, runner):
    make_events(app)
    cut_tail(app, 4)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "the head was changed (its MAC does not match)" in result.output


def test_a_removed_tail_with_an_older_copy_of_the_head_needs_a_checkpoint(app, runner,
                                                                          tmp_path):
    make_events(app, 3)
    old_head = head_row(app)  # copied by the insider before the events they will remove
    make_events(app, 2)
    kept = take_checkpoint(runner, tmp_path / "checkpoint.json")
    cut_tail(app, 3, old_head)
    alone = runner.invoke(args=["audit", "verify"])
    assert alone.exit_code == 0  # what the key alone cannot see (see the README)
    result = runner.invoke(args=["audit", "verify", "--checkpoint",
                                 str(tmp_path / "checkpoint.json")])
    assert result.exit_code == 1
    assert (f"events after 3 were removed: the checkpoint of {kept['taken_at']} recorded 5"
            in result.output)


def test_stripping_the_authentication_is_caught_by_a_checkpoint(app, runner, tmp_path):
    make_events(app)
    take_checkpoint(runner, tmp_path / "checkpoint.json")
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET mac = NULL"))
        conn.execute(text("UPDATE audit_head SET mac = NULL, mac_from = NULL"))
    rewrite(app, 2, {"n": 42})  # then rewrite freely, as if the events predated the key
    result = runner.invoke(args=["audit", "verify", "--checkpoint",
                                 str(tmp_path / "checkpoint.json")])
    assert result.exit_code == 1
    assert "the chain was rewritten: event 5 is not the one the checkpoint" in result.output


# --- an insider with the key -----------------------------------------------------------------

def test_a_rewrite_by_someone_holding_the_key_is_caught_by_an_earlier_checkpoint(
        app, runner, tmp_path):
    make_events(app)
    take_checkpoint(runner, tmp_path / "checkpoint.json")
    make_events(app, 2)
    rewrite(app, 2, {"n": 42}, key=key_of(app))
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # every MAC recomputed
    result = runner.invoke(args=["audit", "verify", "--checkpoint",
                                 str(tmp_path / "checkpoint.json")])
    assert result.exit_code == 1
    assert "the chain was rewritten: event 5 is not the one the checkpoint" in result.output


# --- checkpoints -----------------------------------------------------------------------------

def test_a_checkpoint_records_the_head_and_a_later_chain_still_holds_it(app, runner, tmp_path):
    make_events(app, 3)
    path = tmp_path / "checkpoint.json"
    kept = take_checkpoint(runner, path)
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        assert (kept["events"], kept["hash"], kept["mac_from"]) == (3, head.last_hash, 1)
    assert set(kept) == {"kind", "events", "hash", "mac_from", "taken_at", "signature"}
    make_events(app, 2)
    result = runner.invoke(args=["audit", "verify", "--checkpoint", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "audit chain whole: 5 events, authenticated from event 1; holds the checkpoint of "
        f"{kept['taken_at']} (3 events)")
    again = runner.invoke(args=["audit", "checkpoint", "--output", str(path)])
    assert again.exit_code == 1 and "a checkpoint is never overwritten" in again.output


def test_a_checkpoint_prints_itself_without_output(app, runner):
    make_events(app, 2)
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["events"] == 2


def test_a_changed_checkpoint_file_is_refused(app, runner, tmp_path):
    make_events(app, 3)
    path = tmp_path / "checkpoint.json"
    kept = take_checkpoint(runner, path)
    path.write_text(json.dumps(kept | {"events": 2, "hash": "0" * 64}))
    result = runner.invoke(args=["audit", "verify", "--checkpoint", str(path)])
    assert result.exit_code == 1
    assert f"checkpoint {path}: it was changed, or made with another AUDIT_KEY" in result.output
    path.write_text("not json")
    result = runner.invoke(args=["audit", "verify", "--checkpoint", str(path)])
    assert result.exit_code == 1 and f"cannot read the checkpoint {path}" in result.output


def test_no_checkpoint_of_a_broken_chain(app, runner, tmp_path):
    make_events(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 2"))
    result = runner.invoke(args=["audit", "checkpoint", "--output", str(tmp_path / "c.json")])
    assert result.exit_code == 1 and "audit chain broken at event 2" in result.output
    assert not (tmp_path / "c.json").exists()


def test_a_checkpoint_is_mailed_to_the_staff_in_their_language(app, runner, people,
                                                               smtp_server, tmp_path):
    from compliance.auth.models import User

    with app.app_context():
        db.session.scalar(select(User).where(User.email == people["staff"])).locale = "nl"
        db.session.commit()
    result = runner.invoke(args=["audit", "checkpoint", "--output", str(tmp_path / "c.json"),
                                 "--mail"])
    assert result.exit_code == 0, result.output
    assert "checkpoint mailed to 2 staff" in result.output
    received = {rcpt[0]: message for rcpt, message in smtp_server.messages}
    assert set(received) == {people["staff"], people["admin"]}
    dutch = received[people["staff"]]
    assert dutch["Subject"].startswith("Audit-controlepunt: ")
    (attachment,) = dutch.iter_attachments()
    assert json.loads(attachment.get_content()) == json.loads((tmp_path / "c.json").read_text())


# --- events written before the key -----------------------------------------------------------

def test_events_from_before_the_upgrade_still_verify_and_are_sealed_by_the_next(
        migrated_database_url, tmp_path):  # noqa: F811
    """Events written before this version carry no MAC: the upgrade keeps them, they
    verify by their hash chain, and the first event written after it starts the MACs
    and seals them (rewriting them now breaks the first authenticated event)."""
    from datetime import UTC, datetime

    from flask_migrate import upgrade

    from tests.conftest import make_app

    app = make_app(tmp_path, migrated_database_url)
    with app.app_context():
        upgrade(revision="5a1c0e7b2d41")
        prev, rows = GENESIS, []
        for n in range(1, 4):
            entry = AuditEvent(id=n, at=datetime(2026, 1, n, 9, 0, tzinfo=UTC), actor_id=None,
                               member_id=None, assessment_id=None, object_type="thing",
                               object_id=n, action="old.event", before=None, after={"n": n},
                               prev_hash=prev)
            entry.hash = prev = event_hash(entry.hashed_fields())
            rows.append({c: getattr(entry, c) for c in entry.hashed_fields()} |
                        {"hash": entry.hash})
        with db.engine.begin() as conn:
            conn.execute(AuditEvent.__table__.insert(), rows)
            conn.execute(AuditHead.__table__.insert().values(id=1, last_id=3, last_hash=prev))
        upgrade()
        legacy = verify_chain()
        assert (legacy.ok, legacy.checked, legacy.mac_from) == (True, 3, None)
        log_event("new.event", object_type="thing", object_id=4, after={"n": 4})
        db.session.commit()
        sealed = verify_chain()
        assert (sealed.ok, sealed.checked, sealed.mac_from) == (True, 4, 4)
        db.session.remove()
        rewrite(app, 2, {"n": 42})
        broken = verify_chain()
        assert not broken.ok and broken.bad_id == 4 and "MAC does not match" in broken.reason
        db.session.remove()
        db.engine.dispose()
