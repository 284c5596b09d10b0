"""`compliance backup` and `compliance restore` as an operator uses them: a backup taken
while people upload restores into a new database and evidence folder with every row's
file, and every refusal names its reason and changes nothing."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance.audit import verify_chain
from compliance.backup import services
from compliance.backup.manifest import Manifest
from compliance.backup.services import check_restore
from compliance.evidence.models import Evidence
from compliance.evidence.storage import path_for
from compliance.extensions import db
from tests import factories
from tests.conftest import make_app
from tests.databases import new_database
from tests.evidence.test_evidence_views import logged_in, upload

KEYS = ("ORG-01", "ORG-02", "MGT-01")  # MEM-A's applicable requirements: one per uploader


@pytest.fixture
def evidence_dir(app, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(root))
    return root


def evidence_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Evidence.id)))


class Uploaders:
    """One thread per answer, each uploading new PDFs through the app as MEM-A's manager
    until stopped; ``done`` counts the uploads that were stored."""

    def __init__(self, app, people, assessments):
        self.app, self.people, self.assessments = app, people, assessments
        self.stop = threading.Event()
        self.done = 0
        self.statuses: list[int] = []
        self.lock = threading.Lock()
        self.files = {key: [factories.pdf_bytes(f"{key} upload {i}") for i in range(200)]
                      for key in KEYS}
        self.threads = [threading.Thread(target=self._run, args=(key,)) for key in KEYS]

    def _run(self, key: str) -> None:
        client = logged_in(self.app, self.people["manager"])
        for content in self.files[key]:
            if self.stop.is_set():
                return
            response = upload(client, self.assessments, [(content, f"{key}.pdf")], key=key)
            with self.lock:
                self.statuses.append(response.status_code)
                self.done += response.status_code == 302

    def wait_for(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.done < count:
            assert time.monotonic() < deadline, f"only {self.done} uploads in {timeout} s"
            time.sleep(0.02)

    def __enter__(self) -> Uploaders:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def independent_check(app) -> tuple[int, list[str]]:
    """Every evidence row's file, read back and hashed here (not by the code under test)."""
    with app.app_context():
        root = Path(app.config["EVIDENCE_DIR"])
        rows = db.session.execute(select(Evidence.id, Evidence.sha256)).all()
        wrong = [f"{i} {sha}" for i, sha in rows if not path_for(root, sha).is_file()
                 or hashlib.sha256(path_for(root, sha).read_bytes()).hexdigest() != sha]
        assert verify_chain().ok
        return len(rows), wrong


def test_a_backup_taken_during_uploads_restores_with_every_file(
        app, database_url, people, assessments, evidence_dir, tmp_path, monkeypatch):
    folder = tmp_path / "backup"
    first = logged_in(app, people["manager"])  # the first upload starts the assessment
    assert upload(first, assessments, [(factories.pdf_bytes("first"), "a.pdf")]).status_code \
        == 302
    copy_files = services.copy_evidence

    def copy_once_more_uploads_landed(*args):
        """Between the database copy and the file copy, wait for more uploads: rows the
        copy does not hold, with files that appear while the files are being copied."""
        uploaders.wait_for(uploaders.done + 6)
        return copy_files(*args)

    with Uploaders(app, people, assessments) as uploaders, monkeypatch.context() as patch:
        uploaders.wait_for(6)
        patch.setattr(services, "copy_evidence", copy_once_more_uploads_landed)
        result = app.test_cli_runner().invoke(args=["backup", str(folder)])
        uploaders.wait_for(uploaders.done + 3)  # and more after the backup
    assert result.exit_code == 0, result.output
    assert set(uploaders.statuses) <= {302, 409}, uploaders.statuses
    manifest = Manifest.read(folder)
    in_backup = manifest.rows["evidence"]
    assert 6 < in_backup < evidence_count(app)
    assert len(manifest.evidence) == in_backup  # every file is different
    assert not manifest.missing

    with new_database(database_url, tmp_path) as url:
        restored = make_app(tmp_path / "restored-instance", url,
                            EVIDENCE_DIR=str(tmp_path / "restored-evidence"))
        result = restored.test_cli_runner().invoke(args=["restore", str(folder)])
        assert result.exit_code == 0, result.output
        assert f"checked: {in_backup} evidence rows have their file" in result.output
        assert independent_check(restored) == (in_backup, [])
        with restored.app_context():
            db.engine.dispose()


def test_a_restore_check_names_a_row_without_its_file(app, database_url, people, assessments,
                                                     evidence_dir, tmp_path):
    client = logged_in(app, people["manager"])
    assert upload(client, assessments, [(factories.pdf_bytes("x"), "x.pdf")]).status_code == 302
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    with new_database(database_url, tmp_path) as url:
        restored = make_app(tmp_path / "r", url, EVIDENCE_DIR=str(tmp_path / "restored"))
        assert restored.test_cli_runner().invoke(
            args=["restore", str(tmp_path / "b")]).exit_code == 0
        with restored.app_context():
            (sha256,) = db.session.scalars(select(Evidence.sha256)).all()
            path_for(tmp_path / "restored", sha256).unlink()
            check = check_restore(Manifest.read(tmp_path / "b"))
            assert check.problems == [f"evidence 1 has no file ({sha256})"]
            db.session.remove()
            db.engine.dispose()


def test_backup_refuses_a_folder_that_is_not_empty(app, evidence_dir, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "old")])
    assert result.exit_code == 1
    assert result.output.strip() == \
        f"Error: {tmp_path / 'old'} is not empty: back up into a new folder"
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["manifest.json"]


def test_backup_names_evidence_files_missing_from_the_store(app, people, assessments,
                                                           evidence_dir, tmp_path):
    content = factories.pdf_bytes("lost")
    client = logged_in(app, people["manager"])
    assert upload(client, assessments, [(content, "lost.pdf")]).status_code == 302
    sha256 = hashlib.sha256(content).hexdigest()
    path_for(evidence_dir, sha256).unlink()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: 1 evidence file(s) named by the database are missing from EVIDENCE_DIR, "
        f"e.g. {sha256} (listed in the manifest)")
    assert Manifest.read(tmp_path / "b").missing == [sha256]


@pytest.fixture
def backup(app, people, assessments, evidence_dir, tmp_path) -> Path:
    client = logged_in(app, people["manager"])
    assert upload(client, assessments, [(factories.pdf_bytes("b"), "b.pdf")]).status_code == 302
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    return tmp_path / "b"


def restore_into(url: str, folder: Path, evidence: Path, instance: Path):
    restored = make_app(instance, url, EVIDENCE_DIR=str(evidence))
    try:
        return restored.test_cli_runner().invoke(args=["restore", str(folder)])
    finally:
        with restored.app_context():
            db.engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(app, database_url, backup, tmp_path):
    before = evidence_count(app)
    result = restore_into(database_url, backup, tmp_path / "new-evidence", tmp_path / "i")
    assert result.exit_code == 1
    assert "Error: the database is not empty (" in result.output
    assert "restore into a new, empty database" in result.output
    assert evidence_count(app) == before and not (tmp_path / "new-evidence").exists()


def test_restore_refuses_an_evidence_folder_that_is_not_empty(database_url, backup, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("x")
    with new_database(database_url, tmp_path) as url:
        result = restore_into(url, backup, tmp_path / "used", tmp_path / "i")
        assert result.exit_code == 1
        assert result.output.strip() == (f"Error: EVIDENCE_DIR {tmp_path / 'used'} is not "
                                         "empty: restore into a new, empty folder")
        restored = make_app(tmp_path / "i", url)
        with restored.app_context():
            assert db.inspect(db.engine).get_table_names() == []
            db.engine.dispose()


def test_restore_refuses_a_changed_backup(database_url, backup, tmp_path):
    manifest = json.loads((backup / "manifest.json").read_text())
    dump = backup / manifest["database_file"]
    dump.write_bytes(dump.read_bytes() + b"tampered")
    with new_database(database_url, tmp_path) as url:
        result = restore_into(url, backup, tmp_path / "e", tmp_path / "i")
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: {dump} does not match the SHA-256 in the "
                                     "manifest: the backup was changed or damaged")


def test_restore_refuses_a_folder_without_manifest(database_url, tmp_path):
    (tmp_path / "half").mkdir()
    with new_database(database_url, tmp_path) as url:
        result = restore_into(url, tmp_path / "half", tmp_path / "e", tmp_path / "i")
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: {tmp_path / 'half'} has no manifest.json: it is "
                                     "not a backup, or the backup was interrupted")


def test_a_backup_that_cannot_be_written_is_named(app, evidence_dir, tmp_path):
    # A file where a folder is expected (file modes would not stop a test run as root).
    (tmp_path / "a-file").write_text("")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "a-file" / "b")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path / 'a-file' / 'b'} is incomplete "
                                    "(no manifest): [Errno 20] Not a directory")


def test_a_folder_installs_backup_restores_into_the_database_store(database_url, backup,
                                                                   tmp_path):
    """Moving to several web machines by backup and restore: the files of a folder
    install's backup go into the database of an install with EVIDENCE_STORE=database."""
    with new_database(database_url, tmp_path) as url:
        restored = make_app(tmp_path / "r", url, EVIDENCE_DIR=str(tmp_path / "local"),
                            EVIDENCE_STORE="database")
        try:
            runner = restored.test_cli_runner()
            result = runner.invoke(args=["restore", str(backup)])
            assert result.exit_code == 0, result.output
            verified = runner.invoke(args=["evidence", "verify"])
            assert verified.exit_code == 0, verified.output
            assert not any((tmp_path / "local").rglob("*.*"))  # nothing on this disk
            with restored.app_context():
                from compliance.evidence.stores import content_hash, evidence_store

                (sha256,) = db.session.scalars(select(Evidence.sha256)).all()
                assert content_hash(evidence_store(), sha256) == sha256
        finally:
            with restored.app_context():
                db.session.remove()
                db.engine.dispose()
