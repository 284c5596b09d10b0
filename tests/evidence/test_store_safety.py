"""The evidence store never loses a referenced file: a file is placed before a row points
to it and never removed on a request's path; `compliance evidence gc` removes what no
row refers to after a grace period, `compliance evidence verify` re-hashes the rest."""

from __future__ import annotations

import os
import threading
import time

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from compliance.evidence import housekeeping, storage
from compliance.evidence.models import Evidence
from compliance.extensions import db
from tests import factories
from tests.conftest import login
from tests.evidence.test_evidence_views import (
    EXECUTABLE,
    evidence_rows,
    files_under,
    logged_in,
    refused_page,
    state,
    stored_path,
    upload,
)

DAY = 24 * 3600


def age(path, seconds: float) -> None:
    """Make a stored file look as old as ``seconds``."""
    when = time.time() - seconds
    os.utime(path, (when, when))


def orphan(root, content: bytes):
    """A file placed by an upload whose request then failed (its row never committed)."""
    import io
    placed = storage.store(root, "orphan.pdf", io.BytesIO(content), 10 * 1024 * 1024)
    return storage.path_for(root, placed.sha256)


# --- the request path never removes a placed file --------------------------------------------

def test_a_refused_upload_never_deletes_the_same_file_another_request_is_saving(
        app, people, assessments, evidence_dir):
    """Two members' requests carry the same new file; one of them also carries a bad file
    and is refused. The other was told "files added": its file must be there.

    The interleaving that lost it: the refused request stores the shared file first, the
    other stores it too (already there), the refused one cleans up, the other commits."""
    shared = factories.pdf_bytes("shared procedure")
    first, second = logged_in(app, people["manager"]), logged_in(app, people["contributor"])
    a_at_bad, b_at_flush, a_done = threading.Event(), threading.Event(), threading.Event()
    real_detect = storage.detect

    def detect(filename, head, read_all):  # noqa: ANN001
        if threading.current_thread().name == "B":
            a_at_bad.wait(10)  # A has stored the shared file by then
        elif filename == "bad.pdf":
            a_at_bad.set()
            b_at_flush.wait(10)  # B has stored it too and is about to record it
        return real_detect(filename, head, read_all)

    def before_flush(session, context, instances):  # noqa: ANN001
        if threading.current_thread().name == "B" and not b_at_flush.is_set():
            b_at_flush.set()
            a_done.wait(10)  # B commits after A's clean-up

    responses = {}

    def run_a():
        responses["A"] = upload(first, assessments, [(shared, "shared.pdf"),
                                                     (EXECUTABLE, "bad.pdf")])
        a_done.set()

    def run_b():
        responses["B"] = upload(second, assessments, [(shared, "shared.pdf")], key="ORG-02")

    import compliance.evidence.storage as storage_module
    storage_module.detect = detect
    event.listen(Session, "before_flush", before_flush)
    try:
        threads = [threading.Thread(target=run_a, name="A"),
                   threading.Thread(target=run_b, name="B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        storage_module.detect = real_detect
        event.remove(Session, "before_flush", before_flush)
    assert responses["A"].status_code == 400
    assert responses["B"].status_code == 302
    (row,) = evidence_rows(app)
    assert row["keys"] == ["ORG-02"]
    with second.get(f"/evidence/{row['id']}/download") as download:
        assert download.status_code == 200 and download.get_data() == shared
    assert files_under(evidence_dir) == [stored_path(evidence_dir, shared)]


def test_a_refused_request_leaves_none_of_its_own_files(app, client, people, assessments,
                                                        evidence_dir):
    login(client, people["manager"])
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(factories.pdf_bytes("good"), "good.pdf"),
                                            (EXECUTABLE, "bad.pdf")])
    assert response.status_code == 400
    assert state(app, evidence_dir) == before
    assert list(evidence_dir.iterdir()) == []  # no temporary file either


# --- what an upload may carry ----------------------------------------------------------------

def test_at_most_ten_files_per_upload(app, client, people, assessments, evidence_dir):
    login(client, people["manager"])
    before = state(app, evidence_dir)
    files = [(factories.pdf_bytes(f"page {n}"), f"page-{n}.pdf") for n in range(11)]
    response = upload(client, assessments, files)
    assert response.status_code == 400
    assert "At most 10 files can be uploaded at once; you chose 11." in refused_page(response)
    assert state(app, evidence_dir) == before
    assert upload(client, assessments, files[:10]).status_code == 302
    assert len(evidence_rows(app)) == 10


def test_no_evidence_on_a_requirement_left_out_of_the_assessment(app, client, people,
                                                                 assessments, evidence_dir):
    login(client, people["manager"])  # MGT-02 does not apply to MEM-A's profile
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(factories.pdf_bytes(), "x.pdf")], key="MGT-02")
    assert response.status_code == 400
    assert "take it back in before adding evidence" in refused_page(response)
    assert state(app, evidence_dir) == before


# --- gc ----------------------------------------------------------------------------------

def test_gc_is_a_dry_run_by_default_and_removes_only_old_unreferenced_files(
        app, runner, client, people, assessments, evidence_dir):
    login(client, people["manager"])
    kept = factories.pdf_bytes("referenced")
    assert upload(client, assessments, [(kept, "kept.pdf")]).status_code == 302
    age(stored_path(evidence_dir, kept), 10 * DAY)  # old, but referenced
    old = orphan(evidence_dir, factories.pdf_bytes("old orphan"))
    age(old, 2 * DAY)
    young = orphan(evidence_dir, factories.pdf_bytes("young orphan"))  # a request in flight?
    interrupted = evidence_dir / ".upload-interrupted"
    interrupted.write_bytes(b"half a file")
    age(interrupted, 2 * DAY)

    dry = runner.invoke(args=["evidence", "gc"])
    assert dry.exit_code == 0, dry.output
    assert f"would remove: {old.name}" in dry.output
    assert "would remove: temporary file .upload-interrupted" in dry.output
    assert "would remove 2 unreferenced file(s)" in dry.output and "--apply" in dry.output
    assert old.exists() and interrupted.exists()

    applied = runner.invoke(args=["evidence", "gc", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "removed 2 unreferenced file(s)" in applied.output
    assert not old.exists() and not interrupted.exists()
    assert young.exists() and stored_path(evidence_dir, kept).exists()

    later = runner.invoke(args=["evidence", "gc", "--apply", "--grace-hours", "1"])
    assert later.exit_code == 0
    assert "removed 0 unreferenced file(s)" in later.output  # young is only seconds old


def test_gc_gives_back_a_file_an_upload_recorded_while_it_was_collecting(app, evidence_dir):
    """The database is asked again after the file is set aside: a row committed in the
    meantime keeps it."""
    path = orphan(evidence_dir, factories.pdf_bytes("claimed late"))
    age(path, 2 * DAY)
    result = housekeeping.collect_garbage(
        evidence_dir, referenced=set, still_referenced=lambda sha256: True,
        grace_seconds=DAY, apply=True)
    assert result.removed == [] and [e.path for e in result.kept_back] == [path]
    assert path.exists()


def test_gc_gives_back_a_file_an_upload_placed_again_while_it_was_collecting(app,
                                                                             evidence_dir):
    """An upload of the same content refreshes the file's time; seen after the file was
    set aside, it keeps the file."""
    content = factories.pdf_bytes("placed again")
    path = orphan(evidence_dir, content)
    age(path, 2 * DAY)

    def placed_meanwhile(sha256: str) -> bool:
        aside = next(evidence_dir.glob(".gc-*"))
        os.utime(aside)  # the upload's rename landed just before gc's
        return False

    result = housekeeping.collect_garbage(
        evidence_dir, referenced=set, still_referenced=placed_meanwhile,
        grace_seconds=DAY, apply=True)
    assert result.removed == [] and path.read_bytes() == content
    assert not list(evidence_dir.glob(".gc-*"))


def test_gc_puts_back_what_an_interrupted_collection_set_aside(app, runner, evidence_dir):
    content = factories.pdf_bytes("set aside")
    path = orphan(evidence_dir, content)
    aside = evidence_dir / f".gc-{path.name}-0000"
    os.rename(path, aside)
    assert runner.invoke(args=["evidence", "gc", "--apply"]).exit_code == 0
    assert path.read_bytes() == content and not aside.exists()


# --- verify --------------------------------------------------------------------------------

def test_verify_rehashes_every_file_and_names_the_missing_and_altered(
        app, runner, client, people, assessments, evidence_dir):
    login(client, people["manager"])
    contents = [factories.pdf_bytes(f"document {n}") for n in range(3)]
    for n, content in enumerate(contents):
        assert upload(client, assessments, [(content, f"doc-{n}.pdf")]).status_code == 302
    whole = runner.invoke(args=["evidence", "verify"])
    assert whole.exit_code == 0 and "evidence store whole: 3 files re-hashed" in whole.output

    missing, altered = stored_path(evidence_dir, contents[0]), stored_path(evidence_dir,
                                                                           contents[1])
    missing.unlink()
    altered.chmod(0o640)
    altered.write_bytes(contents[1] + b"tampered")
    with app.app_context():
        ids = {e.sha256: e.id for e in db.session.scalars(select(Evidence))}
    result = runner.invoke(args=["evidence", "verify"])
    assert result.exit_code == 1
    assert f"missing: {missing.name}: evidence {ids[missing.name]} of MEM-A" in result.output
    assert f"altered: {altered.name} (its content hashes to " in result.output
    assert "Error: 2 of 3 stored evidence files are missing or altered" in result.output

