"""EVIDENCE_STORE=database: the files in the database, shared by every web machine; two
real application processes, each with its own empty local folder, share one database."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from compliance.evidence.models import EvidenceBlob, EvidenceChunk
from compliance.evidence.storage import CHUNK
from compliance.extensions import db
from tests import conftest, factories
from tests.conftest import free_port
from tests.evidence.test_evidence_views import (
    EXECUTABLE,
    answer_url,
    evidence_rows,
    files_under,
    logged_in,
    upload,
)


@pytest.fixture
def database_store(app, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_STORE", "database")


def blobs(app) -> dict[str, int]:
    with app.app_context():
        chunks = dict(db.session.execute(
            select(EvidenceChunk.sha256, func.count()).group_by(EvidenceChunk.sha256)).all())
        return {sha: chunks.get(sha, 0) for sha in db.session.scalars(select(EvidenceBlob.sha256))}


def test_files_go_to_the_database_and_come_back_whole(app, people, assessments, evidence_dir,
                                                      database_store):
    content = factories.pdf_bytes("big") + os.urandom(2 * CHUNK + 123)  # three chunks
    manager = logged_in(app, people["manager"])
    assert upload(manager, assessments, [(content, "manual.pdf")]).status_code == 302
    (row,) = evidence_rows(app)
    assert blobs(app) == {row["sha256"]: 3}
    assert files_under(evidence_dir) == []  # nothing on this machine's disk
    response = manager.get(f"/evidence/{row['id']}/download")
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "private, no-store"
    again = manager.get(f"/evidence/{row['id']}/download",
                        headers={"If-None-Match": f'"{row["sha256"]}"'})
    assert again.status_code == 304
    # The same content again: one copy; a refused file: nothing stored.
    assert upload(manager, assessments, [(content, "copy.pdf")], key="ORG-02").status_code \
        == 302
    assert upload(manager, assessments, [(EXECUTABLE, "x.pdf")]).status_code == 400
    assert list(blobs(app)) == [row["sha256"]]
    other = logged_in(app, people["manager_b"])
    assert other.get(f"/evidence/{row['id']}/download").status_code == 404


def test_a_failed_request_leaves_no_content_behind(app, people, assessments, evidence_dir,
                                                   database_store):
    manager = logged_in(app, people["manager"])
    url = answer_url(assessments, "ORG-01")
    with app.app_context():  # the answer is no longer editable: the request is refused
        from compliance.assessments.models import Assessment

        db.session.get(Assessment, assessments["a"]).state = "submitted"
        db.session.commit()
    response = upload(manager, assessments, [(factories.pdf_bytes("late"), "late.pdf")])
    assert response.status_code in (400, 409), url
    assert blobs(app) == {} and files_under(evidence_dir) == []


def serve(app, database_url: str, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, **conftest.test_environ(folder / "instance", database_url),
           "EVIDENCE_STORE": "database", "EVIDENCE_DIR": str(folder / "evidence"),
           "SECRET_KEY": app.config["SECRET_KEY"], "PYTHONPATH": os.getcwd()}
    script = ("from werkzeug.serving import run_simple; from compliance.wsgi import app; "
              f"run_simple('127.0.0.1', {port}, app, threaded=True)")
    process = subprocess.Popen([sys.executable, "-c", script], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{base}/healthz", timeout=5)
            return process, base
        except requests.ConnectionError:
            assert process.poll() is None and time.monotonic() < deadline, \
                process.communicate()[1]
            time.sleep(0.2)


def web_login(base: str, email: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      session.get(f"{base}/login").text).group(1)
    response = session.post(f"{base}/login", data={
        "csrf_token": token, "email": email, "password": factories.PASSWORD},
        allow_redirects=False)
    assert response.status_code == 302, response.text
    return session, token


def test_two_web_processes_share_one_database_store(app, database_url, people, assessments,
                                                    tmp_path):
    one, base_one = serve(app, database_url, tmp_path / "one")
    two, base_two = serve(app, database_url, tmp_path / "two")
    try:
        content = factories.pdf_bytes("uploaded through one") + os.urandom(CHUNK)
        session, _ = web_login(base_one, people["manager"])
        page = session.get(base_one + answer_url(assessments)).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = session.post(base_one + answer_url(assessments) + "/evidence",
                                data={"csrf_token": token},
                                files={"files": ("certificate.pdf", content)},
                                allow_redirects=False)
        assert response.status_code == 302, response.text[:2000]
        (row,) = evidence_rows(app)
        other, _ = web_login(base_two, people["manager"])
        download = other.get(f"{base_two}/evidence/{row['id']}/download")
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == row["sha256"]
        assert download.content == content
        for folder in ("one", "two"):  # neither machine kept a file of its own
            assert files_under(tmp_path / folder / "evidence") == []
    finally:
        for process in (one, two):
            process.terminate()
            process.communicate(timeout=30)


def test_backup_restore_verify_and_gc_with_the_database_store(app, database_url, people,
                                                              assessments, evidence_dir,
                                                              database_store, tmp_path):
    from compliance.backup.manifest import Manifest
    from compliance.backup.services import check_restore
    from tests.conftest import make_app
    from tests.databases import new_database

    manager = logged_in(app, people["manager"])
    content = factories.pdf_bytes("kept in the database")
    assert upload(manager, assessments, [(content, "a.pdf")]).status_code == 302
    runner = app.test_cli_runner()
    verified = runner.invoke(args=["evidence", "verify"])
    assert verified.exit_code == 0 and "1 files re-hashed" in verified.output
    backup = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert backup.exit_code == 0, backup.output
    assert not (tmp_path / "b" / "evidence").exists()  # the files are in the dump
    with new_database(database_url, tmp_path) as url:
        restored = make_app(tmp_path / "r", url, EVIDENCE_DIR=str(tmp_path / "restored"),
                            EVIDENCE_STORE="database")
        result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])
        assert result.exit_code == 0, result.output
        with restored.app_context():
            (sha256,) = db.session.scalars(select(EvidenceBlob.sha256)).all()
            db.session.execute(EvidenceChunk.__table__.update().values(data=b"altered"))
            db.session.commit()
            check = check_restore(Manifest.read(tmp_path / "b"))
            assert check.problems == [f"evidence 1: the file {sha256} does not match its "
                                      "SHA-256 or size"]
            altered = restored.test_cli_runner().invoke(args=["evidence", "verify"])
            assert altered.exit_code == 1 and f"altered: {sha256}" in altered.output
            db.session.remove()
            db.engine.dispose()
    with app.app_context():  # a content whose row was removed by hand goes after the grace
        from compliance.db import utcnow
        from compliance.evidence.models import Evidence

        db.session.execute(EvidenceBlob.__table__.update().values(
            placed_at=utcnow() - timedelta(hours=48)))
        from compliance.assessments.models import AnswerEvidence

        db.session.execute(AnswerEvidence.__table__.delete())
        db.session.execute(Evidence.__table__.delete())
        db.session.commit()
    dry = runner.invoke(args=["evidence", "gc"])
    assert "would remove 1 unreferenced file(s) from the database" in dry.output
    assert runner.invoke(args=["evidence", "gc", "--apply"]).exit_code == 0
    assert blobs(app) == {}


def test_the_same_content_stored_at_once_by_two_requests_is_kept_once(app, db, tmp_path):
    import io
    import threading

    from compliance.evidence.stores import DatabaseStore

    content = factories.pdf_bytes("twice at once") + os.urandom(CHUNK)
    first_placed = threading.Event()
    created: dict[str, bool] = {}
    errors: list[BaseException] = []

    def request(name: str) -> None:
        try:
            with app.app_context():
                store = DatabaseStore(tmp_path / name)
                received = store.receive("same.pdf", io.BytesIO(content), 10 * CHUNK)
                if name == "second":
                    first_placed.wait(10)
                created[name] = store.place(received).created  # waits for the first
                if name == "first":
                    first_placed.set()
                    time.sleep(0.5)  # the second is now waiting on this transaction
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=request, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert created == {"first": True, "second": False}
    assert blobs(app) == {hashlib.sha256(content).hexdigest(): 2}


def test_a_folder_install_moves_its_files_into_the_database(app, people, assessments,
                                                            evidence_dir, monkeypatch):
    content = factories.pdf_bytes("kept for ten years")
    manager = logged_in(app, people["manager"])
    assert upload(manager, assessments, [(content, "file.pdf")]).status_code == 302
    (row,) = evidence_rows(app)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["evidence", "to-database"])
    assert refused.exit_code == 1 and "EVIDENCE_STORE is not 'database'" in refused.output
    monkeypatch.setitem(app.config, "EVIDENCE_STORE", "database")
    assert manager.get(f"/evidence/{row['id']}/download").status_code == 404  # not yet
    result = runner.invoke(args=["evidence", "to-database"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("copied 1 file(s), ") and "0 already there" in result.output
    assert list(blobs(app)) == [row["sha256"]]
    response = manager.get(f"/evidence/{row['id']}/download")
    assert response.status_code == 200 and response.data == content
    again = runner.invoke(args=["evidence", "to-database"])
    assert "copied 0 file(s)" in again.output and "1 already there" in again.output
    assert runner.invoke(args=["evidence", "verify"]).exit_code == 0


def test_moving_names_a_file_missing_from_the_folder(app, people, assessments, evidence_dir,
                                                     monkeypatch):
    manager = logged_in(app, people["manager"])
    assert upload(manager, assessments, [(factories.pdf_bytes("gone"), "g.pdf")]).status_code \
        == 302
    (row,) = evidence_rows(app)
    for path in files_under(evidence_dir):
        path.unlink()
    monkeypatch.setitem(app.config, "EVIDENCE_STORE", "database")
    result = app.test_cli_runner().invoke(args=["evidence", "to-database"])
    assert result.exit_code == 1
    assert f"missing from {evidence_dir}: {row['sha256']}" in result.output
    assert blobs(app) == {}
