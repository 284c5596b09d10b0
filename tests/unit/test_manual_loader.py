"""The manual loader and validator, on the shipped manual and on broken copies."""

import shutil
from pathlib import Path

import pytest

from compliance.manual.loader import ManualInvalid, load_manual, read_manual

DATA = Path(__file__).parent.parent / "data" / "manual-min"
SHIPPED = Path(__file__).parent.parent.parent / "checklists" / "mdr-cmd"


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
    manual = load_manual(SHIPPED)
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
