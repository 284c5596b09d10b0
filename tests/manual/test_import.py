"""Importing manual versions: idempotent, versioned, all-or-nothing."""

import shutil

import pytest
from sqlalchemy import func, select

from compliance.errors import DomainError
from compliance.manual.loader import load_manual
from compliance.manual.models import Chapter, ManualVersion, Requirement
from compliance.manual.services import import_manual
from tests.unit.test_manual_loader import edit


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_stores_chapters_and_requirements(app, db, manual_path):
    with app.app_context():
        result = import_manual(load_manual(manual_path))
        db.session.commit()
        assert result.created
        version = db.session.scalar(select(ManualVersion))
        assert (version.manual_key, version.version) == ("test-manual", "1.0")
        assert [c.key for c in version.chapters] == ["ORG", "MGT"]
        org2 = db.session.scalar(select(Requirement).where(Requirement.key == "ORG-02"))
        assert org2.chapter.key == "ORG"
        assert org2.title["fr"] == "Les responsabilités sont écrites"
        assert org2.applies_to == ["employees"]
        assert org2.references == ["EN ISO 13485:2016 §5.5.1"]
        assert count(db, Requirement) == 4


def test_importing_the_same_file_twice_changes_nothing(app, db, manual_path):
    with app.app_context():
        first = import_manual(load_manual(manual_path))
        db.session.commit()
        second = import_manual(load_manual(manual_path))
        db.session.commit()
        assert not second.created
        assert second.version.id == first.version.id
        assert (count(db, ManualVersion), count(db, Chapter), count(db, Requirement)) == (1, 2, 4)


def test_a_new_version_is_stored_beside_the_old(app, db, manual_path, tmp_path):
    changed = tmp_path / "manual"
    shutil.copytree(manual_path, changed)
    edit(changed / "manual.yaml", 'version: "1.0"', 'version: "1.1"')
    edit(changed / "a.yaml", "Describe who does what.", "Describe in writing who does what.")
    with app.app_context():
        old = import_manual(load_manual(manual_path)).version
        new = import_manual(load_manual(changed)).version
        db.session.commit()
        assert count(db, ManualVersion) == 2 and count(db, Requirement) == 8
        keys = lambda v: [r.key for r in v.requirements]  # noqa: E731
        assert keys(old) == keys(new)  # the keys are stable across versions
        changed_keys = {a.key for a, b in zip(old.requirements, new.requirements, strict=True)
                        if a.text_hash != b.text_hash}
        assert changed_keys == {"ORG-02"}


def test_same_version_with_other_content_is_refused(app, db, manual_path, tmp_path):
    changed = tmp_path / "manual"
    shutil.copytree(manual_path, changed)
    edit(changed / "a.yaml", "criticality: minor", "criticality: major")
    with app.app_context():
        import_manual(load_manual(manual_path))
        db.session.commit()
        with pytest.raises(DomainError, match="already imported with other content"):
            import_manual(load_manual(changed))
        db.session.rollback()
        assert count(db, ManualVersion) == 1


def test_an_invalid_manual_leaves_the_database_untouched(app, db, runner, manual_path, tmp_path):
    broken = tmp_path / "manual"
    shutil.copytree(manual_path, broken)
    edit(broken / "manual.yaml", 'version: "1.0"', 'version: "2.0"')
    edit(broken / "b.yaml", "criticality: major", "criticality: severe")
    result = runner.invoke(args=["manual", "import", str(broken)])
    assert result.exit_code == 1
    assert "unknown criticality 'severe'" in result.output
    with app.app_context():
        assert count(db, ManualVersion) == 0 and count(db, Requirement) == 0
