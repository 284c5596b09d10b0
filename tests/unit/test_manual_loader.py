"""The manual loader and validator, on the shipped manual and on broken copies."""

import shutil
from pathlib import Path

import pytest

from compliance.manual.loader import (
    ManualInvalid,
    check_key_map,
    load_manual,
    load_manuals,
    read_manual,
    read_manuals,
)

DATA = Path(__file__).parent.parent / "data" / "manual-min"
VERSIONS = Path(__file__).parent.parent / "data" / "manual-versions"
SHIPPED = Path(__file__).parent.parent.parent / "checklists" / "mdr-cmd"
HASH_2026_1 = "89a985ef1aa3337cf317d72615fe952fea49939d7857a9ee775fd7c31e28b9bf"


@pytest.fixture
def copy(tmp_path) -> Path:
    target = tmp_path / "manual"
    shutil.copytree(DATA, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def test_the_shipped_manual_is_valid_and_large_enough():
    manual = load_manual(SHIPPED / "2026.1")
    assert manual.key == "mdr-cmd"
    assert len(manual.chapters) >= 10
    assert len(manual.requirements) >= 80
    for requirement in manual.requirements:
        assert requirement.references
        assert set(requirement.title) == {"fr", "nl", "en"}
    assert {r.criticality for r in manual.requirements} == {"major", "minor"}
    assert any(r.period_months for r in manual.requirements)
    flags = {flag for r in manual.requirements for flag in r.applies_to}
    assert {"prostheses", "distributor", "implantable", "employees", "cad_cam"} <= flags


def test_reads_a_good_manual(copy):
    manual = load_manual(copy / "manual.yaml")
    assert (manual.key, manual.version, str(manual.published)) == \
        ("test-manual", "1.0", "2026-01-15")
    assert [c.key for c in manual.chapters] == ["ORG", "MGT"]
    org1, org2, mgt1, mgt2 = manual.requirements
    assert org1.applies_to == ()  # no applies_to: every member
    assert org2.applies_to == ("employees",)
    assert mgt1.period_months == 12
    assert mgt1.references == ("EN ISO 13485:2016 §5.6", "MDR Art. 10(9)")
    assert mgt2.title["nl"] == "Prothesen worden getest"


def test_content_hash_is_stable_and_follows_content(copy):
    before = load_manual(copy).content_hash
    assert load_manual(copy).content_hash == before
    edit(copy / "a.yaml", "Describe who does what.", "Describe who does what, in writing.")
    after = load_manual(copy)
    assert after.content_hash != before
    assert after.requirements[1].text_hash != load_manual(DATA).requirements[1].text_hash
    assert after.requirements[0].text_hash == load_manual(DATA).requirements[0].text_hash


def problems(path: Path) -> list[str]:
    manual, found = read_manual(path)
    assert manual is None
    return [str(p) for p in found]


def test_duplicate_requirement_key(copy):
    edit(copy / "a.yaml", "key: ORG-02", "key: ORG-01")
    line = line_of(copy / "a.yaml", "key: ORG-01", 2)
    assert problems(copy) == [
        f"manual/a.yaml:{line}: ORG-01: duplicate requirement key (first in manual/a.yaml:7)"]


def test_missing_translation(copy):
    edit(copy / "a.yaml", "      nl: Beschrijf wie wat doet.\n", "")
    found = problems(copy)
    assert len(found) == 1
    assert "ORG-02: missing translation: guidance has no 'nl' text" in found[0]
    assert found[0].startswith("manual/a.yaml:")


def test_empty_translation(copy):
    edit(copy / "b.yaml", "en: Minutes of the review", 'en: ""')
    line = line_of(copy / "b.yaml", 'en: ""')
    assert problems(copy) == [
        f"manual/b.yaml:{line}: MGT-01: missing translation: evidence has no 'en' text"]


def test_unknown_applicability_flag(copy):
    edit(copy / "b.yaml", "applies_to: [prostheses, implantable]", "applies_to: [prosthesis]")
    found = problems(copy)
    assert len(found) == 1
    line = line_of(copy / "b.yaml", "applies_to")
    assert found[0].startswith(f"manual/b.yaml:{line}: MGT-02: unknown applicability flag "
                               "'prosthesis'; use one of ")


def test_empty_legal_reference(copy):
    edit(copy / "b.yaml", "      - MDR Art. 10(9)", '      - ""')
    line = line_of(copy / "b.yaml", '- ""')
    assert problems(copy) == [f"manual/b.yaml:{line}: MGT-01: empty legal reference"]


def test_no_legal_reference(copy):
    edit(copy / "a.yaml", "    references:\n      - MDR Art. 15(1)\n", "    references: []\n")
    assert problems(copy) == [
        f"manual/a.yaml:{line_of(copy / 'a.yaml', 'references: []')}: ORG-01: "
        "references must list at least one legal reference"]


def test_unknown_criticality(copy):
    edit(copy / "a.yaml", "criticality: minor", "criticality: critical")
    line = line_of(copy / "a.yaml", "criticality: critical")
    assert problems(copy) == [
        f"manual/a.yaml:{line}: ORG-02: unknown criticality 'critical': use major or minor"]


def test_every_problem_is_reported_at_once(copy):
    edit(copy / "a.yaml", "criticality: minor", "criticality: high")
    edit(copy / "a.yaml", "applies_to: [employees]", "applies_to: [staff]")
    edit(copy / "b.yaml", "key: MGT-02", "key: MGT-01")
    edit(copy / "b.yaml", "period_months: 12", "period_months: 0")
    edit(copy / "b.yaml", "    criticality: major\n    period",
         "    colour: red\n    criticality: major\n    period")
    found = problems(copy)
    assert len(found) == 5, found
    assert sum("a.yaml" in p for p in found) == 2
    assert any("unknown field 'colour'" in p for p in found)
    assert any("period_months 0 must be a whole number of months" in p for p in found)


def test_yaml_syntax_error_names_the_line(copy):
    edit(copy / "b.yaml", "  - key: MGT-01", "  - key: [MGT-01")
    found = problems(copy)
    assert len(found) == 1
    assert found[0].startswith("manual/b.yaml:")
    assert "YAML syntax error" in found[0]


def test_missing_chapter_file_and_bad_manifest(copy):
    edit(copy / "manual.yaml", "  - b.yaml", "  - c.yaml\n  - ../etc.yaml")
    edit(copy / "manual.yaml", 'version: "1.0"', "version: 1.0")
    found = problems(copy)
    assert found == [
        'manual/manual.yaml:2: version must be text in quotes, e.g. version: "1.0"',
        "manual/manual.yaml:10: chapter file c.yaml does not exist",
        "manual/manual.yaml:11: '../etc.yaml' is not a chapter file name in this folder",
    ]


def test_repeated_yaml_field_is_reported(copy):
    edit(copy / "a.yaml", "    criticality: major",
         "    criticality: major\n    criticality: minor")
    found = problems(copy)
    assert found == [f"manual/a.yaml:{line_of(copy / 'a.yaml', 'criticality: minor')}: "
                     "field 'criticality' appears twice"]


def test_duplicate_chapter_key(copy):
    edit(copy / "b.yaml", "key: MGT\n", "key: ORG\n")
    found = problems(copy)
    assert "manual/b.yaml:1: duplicate chapter key ORG (also in manual/a.yaml)" in found


def test_no_manual_at_path(tmp_path):
    found = problems(tmp_path / "nowhere")
    assert len(found) == 1 and "no manual here" in found[0]


def test_load_manual_raises_with_the_problems(copy):
    edit(copy / "a.yaml", "criticality: minor", "criticality: urgent")
    with pytest.raises(ManualInvalid) as caught:
        load_manual(copy)
    assert len(caught.value.problems) == 1


# -- versions and key maps ---------------------------------------------------------------

def test_2026_1_keeps_the_content_hash_databases_hold():
    """New fields stay out of the hash while unused: re-importing 2026.1 must not fail."""
    assert load_manual(SHIPPED / "2026.1").content_hash == HASH_2026_1
    assert load_manual(SHIPPED / "2026.1" / "manual.yaml").content_hash == HASH_2026_1


def test_both_shipped_versions_are_valid_oldest_first():
    manuals = load_manuals(SHIPPED)
    assert [m.version for m in manuals] == ["2026.1", "2026.2"]
    assert manuals[1].previous == "2026.1"
    assert load_manual(SHIPPED).version == "2026.2"  # the parent folder gives the newest


def test_the_min_fixture_keeps_its_hash_without_the_new_fields():
    manual = load_manual(DATA)
    assert manual.format == 1 and manual.key_map == () and manual.retention == ()
    assert all(r.basis is None and r.retention == () for r in manual.requirements)


def versions(tmp_path) -> Path:
    target = tmp_path / "versions"
    shutil.copytree(VERSIONS, target)
    return target


def test_reads_two_versions_and_their_map(tmp_path):
    old, new = load_manuals(versions(tmp_path))
    assert (old.version, new.version, new.previous, new.format) == ("1.0", "2.0", "1.0", 2)
    assert new.maps_to("ORG-02") == ("ORG-01",)
    assert new.maps_to("MGT-02") == ("MGT-03", "MGT-04")
    assert new.maps_to("MGT-01") == ("MGT-01",)  # in both versions: kept implicitly
    assert new.maps_to("NOPE-01") == ()
    assert [r.key for r in new.retention] == ["statement"]
    assert new.requirements[0].retention == ("statement",)
    assert new.release_notes["nl"].startswith("ORG-02")
    assert new.content_hash != load_manual(VERSIONS / "1.0").content_hash


def version_problems(path: Path) -> list[str]:
    manuals, found = read_manuals(path)
    assert manuals == []
    return [str(p) for p in found]


def test_unaccounted_old_key(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "key-map.yaml", "  - old: ORG-02\n    kind: merged\n    to: [ORG-01]\n"
         "    note: {fr: Fusionné., nl: Samengevoegd., en: Merged.}\n", "")
    assert version_problems(root) == [
        "versions/2.0/key-map.yaml: ORG-02: unaccounted key: ORG-02 of version 1.0 is neither "
        "in version 2.0 nor in its key map"]


def test_unknown_target_and_unknown_old_key(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "key-map.yaml", "to: [ORG-01]", "to: [ORG-09]")
    edit(root / "2.0" / "key-map.yaml", "old: MGT-02", "old: MGT-07")
    found = version_problems(root)
    line = line_of(root / "2.0" / "key-map.yaml", "old: ORG-02")
    assert f"versions/2.0/key-map.yaml:{line}: ORG-02: unknown target ORG-09: no such " \
           "requirement in version 2.0" in found
    assert any("MGT-07: unknown old key: version 1.0 has no requirement MGT-07" in p
               for p in found)
    assert any("MGT-02: unaccounted key" in p for p in found)


def test_split_and_merge_forms(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "key-map.yaml", "to: [MGT-03, MGT-04]", "to: [MGT-03]")
    edit(root / "2.0" / "key-map.yaml", "to: [ORG-01]", "to: [ORG-01, MGT-01]")
    found = version_problems(root)
    assert any("MGT-02: split takes two or more targets, not 1" in p for p in found)
    assert any("ORG-02: merged takes exactly one target, not 2" in p for p in found)


def test_a_key_in_both_versions_cannot_be_mapped_away(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "key-map.yaml", "keys:\n", "keys:\n  - old: MGT-01\n    kind: removed\n"
         "    note: {fr: Retiré., nl: Geschrapt., en: Removed.}\n")
    found = version_problems(root)
    assert any("MGT-01: MGT-01 is still a requirement in version 2.0" in p for p in found)


def test_a_note_is_required_for_a_non_trivial_entry(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "key-map.yaml",
         "    note: {fr: Scindé., nl: Opgesplitst., en: Split.}\n", "")
    found = version_problems(root)
    assert any("MGT-02: note is missing" in p for p in found), found


def test_check_key_map_against_keys_from_elsewhere():
    new = load_manual(VERSIONS / "2.0")
    assert check_key_map(new, ["ORG-01", "ORG-02", "MGT-01", "MGT-02"]) == []
    old_keys = ["ORG-01", "ORG-02", "MGT-01", "MGT-02", "X-05"]
    found = [str(p) for p in check_key_map(new, old_keys)]
    assert found == ["2.0/key-map.yaml: X-05: unaccounted key: X-05 of version 1.0 is "
                     "neither in version 2.0 nor in its key map"]


def test_basis_is_required_from_format_2(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "b.yaml", "    basis: standard\n    period_months: 12\n",
         "    period_months: 12\n")
    edit(root / "2.0" / "b.yaml", "basis: good_practice", "basis: custom")
    found = problems(root / "2.0")
    assert len(found) == 2, found
    assert any("MGT-01: basis is missing: use law, standard or good_practice" in p for p in found)
    assert any("MGT-04: unknown basis 'custom'" in p for p in found)


def test_unknown_retention_row(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "a.yaml", "retention: [statement]", "retention: [statement, archive]")
    line = line_of(root / "2.0" / "a.yaml", "retention:")
    assert problems(root / "2.0") == [
        f"2.0/a.yaml:{line}: ORG-01: unknown retention row 'archive'; use one of statement"]


def test_retention_without_a_table(copy):
    edit(copy / "a.yaml", "    criticality: minor\n",
         "    criticality: minor\n    retention: [x]\n")
    found = problems(copy)
    assert len(found) == 1 and "the manual has no retention table" in found[0]


def test_previous_must_be_in_the_folder(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "manual.yaml", 'previous: "1.0"', 'previous: "0.9"')
    assert version_problems(root) == [
        "versions/2.0/manual.yaml: previous version 0.9 is not an older version in this folder"]


def test_load_manual_on_a_versions_folder_with_a_bad_map_raises(tmp_path):
    root = versions(tmp_path)
    edit(root / "2.0" / "key-map.yaml", "to: [ORG-01]", "to: [ORG-77]")
    with pytest.raises(ManualInvalid):
        load_manual(root)
