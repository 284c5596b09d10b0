"""Importing every version of a folder: both stored side by side with their basis,
retention table, release notes and key map; the map checked through the command line
and against the previous version stored in the database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance.errors import DomainError
from compliance.manual.loader import load_manual, load_manuals
from compliance.manual.models import KeyMapping, ManualVersion, Requirement
from compliance.manual.services import import_manual, import_manuals
from tests.unit.test_manual_loader import edit

DATA = Path(__file__).parent.parent / "data"
SHIPPED = Path(__file__).parent.parent.parent / "checklists" / "mdr-cmd"


def versions(tmp_path, name="manual-versions") -> Path:
    target = tmp_path / "versions"
    shutil.copytree(DATA / name, target)
    return target


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored(db, version: str) -> ManualVersion:
    return db.session.scalar(select(ManualVersion).where(ManualVersion.version == version))


def test_the_shipped_folder_imports_both_versions_once(app, db, runner):
    first = runner.invoke(args=["manual", "import", str(SHIPPED)])
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[0].startswith("imported mdr-cmd 2026.1: 13 chapters, 152 requirements")
    assert lines[1] == ("imported mdr-cmd 2026.2: 13 chapters, 140 requirements, 366 "
                        "references; 83 major, 57 minor; law 82, standard 53, good practice 5; "
                        "follows 2026.1, key map of 22 entries")
    again = runner.invoke(args=["manual", "import", str(SHIPPED)])
    assert again.exit_code == 0
    assert again.output.splitlines() == [
        "mdr-cmd 2026.1 is already imported; nothing changed",
        "mdr-cmd 2026.2 is already imported; nothing changed"]
    with app.app_context():
        assert count(db, ManualVersion) == 2 and count(db, Requirement) == 152 + 140
        old, new = stored(db, "2026.1"), stored(db, "2026.2")
        assert (old.format, old.previous_version, old.release_notes, old.retention) == (
            1, None, None, None)
        assert (new.format, new.previous_version) == (2, "2026.1")
        assert set(new.release_notes) == {"fr", "nl", "en"}
        assert {row["key"] for row in new.retention} >= {"statement", "documentation",
                                                          "patient_file", "cessation"}
        assert len(new.key_map) == 22 and count(db, KeyMapping) == 22
        hr08 = next(row for row in new.key_map if row.old_key == "HR-08")
        assert (hr08.kind, hr08.targets) == ("merged", ["ORG-03"]) and hr08.note["nl"]
        trc07 = next(r for r in new.requirements if r.key == "TRC-07")
        assert trc07.basis in ("law", "standard", "good_practice")
        assert [row["key"] for row in trc07.retention_rows] == list(trc07.retention)
        assert {r.basis for r in old.requirements} == {None}
    listed = runner.invoke(args=["manual", "list"]).output.splitlines()
    assert listed[0].startswith("mdr-cmd\t2026.2\t2027-01-15\t13 chapters\t140 requirements\t"
                                "83 major, 57 minor; law 82, standard 53, good practice 5\t"
                                "follows 2026.1")
    assert listed[1].startswith("mdr-cmd\t2026.1\t2026-11-01\t13 chapters\t152 requirements\t"
                                "82 major, 70 minor\timported")


def test_validate_checks_every_version(runner):
    result = runner.invoke(args=["manual", "validate", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == [
        "valid", "valid"]
    assert "mdr-cmd 2026.2: 13 chapters, 140 requirements" in result.output


@pytest.mark.parametrize("command", ["validate", "import"])
def test_an_unaccounted_key_fails_with_one_line(app, db, runner, tmp_path, command):
    root = versions(tmp_path)
    edit(root / "2.0" / "key-map.yaml", "  - old: ORG-02\n    kind: merged\n    to: [ORG-01]\n"
         "    note: {fr: Fusionné., nl: Samengevoegd., en: Merged.}\n", "")
    result = runner.invoke(args=["manual", command, str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "versions/2.0/key-map.yaml: ORG-02: unaccounted key: ORG-02 of version 1.0 is neither "
        "in version 2.0 nor in its key map",
        f"Error: {root}: 1 problem(s) found"]
    with app.app_context():
        assert count(db, ManualVersion) == 0  # neither version: nothing half imported


def test_unknown_targets_fail_with_one_line_each(app, db, runner, tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "key-map.yaml", "to: [ORG-01]", "to: [ORG-09]")
    edit(root / "2.0" / "key-map.yaml", "to: [MGT-03, MGT-04]", "to: [MGT-03, MGT-77]")
    result = runner.invoke(args=["manual", "import", str(root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 3 and lines[-1] == f"Error: {root}: 2 problem(s) found"
    assert lines[0].endswith("ORG-02: unknown target ORG-09: no such requirement in "
                             "version 2.0")
    assert lines[1].endswith("MGT-02: unknown target MGT-77: no such requirement in "
                             "version 2.0")
    assert all(line.startswith("versions/2.0/key-map.yaml:") for line in lines[:2])
    with app.app_context():
        assert count(db, ManualVersion) == 0


def test_a_version_alone_is_checked_against_the_stored_previous(app, db, runner, tmp_path):
    root = versions(tmp_path)
    assert runner.invoke(args=["manual", "import", str(root / "1.0")]).exit_code == 0
    # 2.0 on its own is consistent; against the stored 1.0, ORG-02 is not accounted for
    edit(root / "2.0" / "key-map.yaml", "  - old: ORG-02\n    kind: merged\n    to: [ORG-01]\n"
         "    note: {fr: Fusionné., nl: Samengevoegd., en: Merged.}\n", "")
    result = runner.invoke(args=["manual", "import", str(root / "2.0")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: The key map of version 2.0 does not fit version 1.0 as imported: ORG-02: "
        "unaccounted key: ORG-02 of version 1.0 is neither in version 2.0 nor in its key map "
        "(1 problem(s)).")
    with app.app_context():
        assert [v.version for v in db.session.scalars(select(ManualVersion))] == ["1.0"]


def test_a_version_before_its_previous_is_checked_when_the_previous_comes(app, db, runner,
                                                                         tmp_path):
    root = versions(tmp_path)
    alone = runner.invoke(args=["manual", "import", str(root / "2.0")])
    assert alone.exit_code == 0
    assert "note: version 1.0, which 2.0 follows, is not imported" in alone.output
    edit(root / "1.0" / "b.yaml", "key: MGT-02", "key: MGT-09")  # 2.0's map knows no MGT-09
    late = runner.invoke(args=["manual", "import", str(root / "1.0")])
    assert late.exit_code == 1
    assert late.output.strip() == (
        "Error: The key map of version 2.0 does not fit version 1.0 as imported: MGT-02: "
        "unknown old key: version 1.0 has no requirement MGT-02 (2 problem(s)).")
    with app.app_context():
        assert [v.version for v in db.session.scalars(select(ManualVersion))] == ["2.0"]


def test_a_version_stored_before_the_new_fields_gets_them(app, db):
    """A database migrated from before holds 2.0 without basis, release notes or map
    (same content hash): importing it again fills them in, and changes nothing else."""
    with app.app_context():
        old, new = import_manuals(load_manuals(DATA / "manual-versions"))
        version = new.version
        version.format, version.previous_version, version.release_notes = 1, None, None
        version.retention, version.key_map = None, []
        for requirement in version.requirements:
            requirement.basis, requirement.retention = None, None
        db.session.commit()
        ids = sorted(r.id for r in version.requirements)
        result = import_manual(load_manual(DATA / "manual-versions" / "2.0"))
        db.session.commit()
        assert not result.created and result.completed
        assert (version.format, version.previous_version) == (2, "1.0")
        assert [row.old_key for row in version.key_map] == ["ORG-02", "MGT-02"]
        assert {r.key: r.basis for r in version.requirements}["MGT-04"] == "good_practice"
        assert sorted(r.id for r in version.requirements) == ids
        assert not import_manual(load_manual(DATA / "manual-versions" / "2.0")).completed


def test_the_same_version_with_other_content_is_still_refused(app, db, tmp_path):
    root = versions(tmp_path)
    with app.app_context():
        import_manuals(load_manuals(root))
        db.session.commit()
        edit(root / "2.0" / "b.yaml", "basis: good_practice", "basis: standard")
        with pytest.raises(DomainError, match="already imported with other content"):
            import_manuals(load_manuals(root))
        db.session.rollback()
        assert count(db, ManualVersion) == 2
