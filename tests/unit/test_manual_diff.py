"""Pure parts of moving between versions: where an old key's answer goes across one or
more key maps, and the word-by-word difference of two texts."""

from compliance.manual.diff import Segment, compare, word_diff
from compliance.manual.key_map import KeyMapEntry, MapStep, carried_keys, relation, sources_of

STEP_1 = MapStep((KeyMapEntry("A-02", "merged", ("A-01",)),
                  KeyMapEntry("A-03", "renamed", ("B-01",)),
                  KeyMapEntry("A-04", "split", ("A-04", "B-02")),
                  KeyMapEntry("A-05", "removed")),
                 ("A-01", "A-04", "B-01", "B-02", "B-03"))
STEP_2 = MapStep((KeyMapEntry("B-01", "merged", ("B-03",)),),
                 ("A-01", "A-04", "B-02", "B-03"))
OLD = ["A-01", "A-02", "A-03", "A-04", "A-05"]


def test_each_kind_of_mapping_in_one_step():
    carried = carried_keys(OLD, [STEP_1])
    assert carried == {"A-01": ("A-01",), "A-02": ("A-01",), "A-03": ("B-01",),
                       "A-04": ("A-04", "B-02"), "A-05": ()}
    sources = sources_of(carried)
    assert sources == {"A-01": ["A-01", "A-02"], "B-01": ["A-03"], "A-04": ["A-04"],
                       "B-02": ["A-04"]}
    assert [relation(key, carried, sources) for key in OLD] == [
        "merged", "merged", "renamed", "split", "removed"]


def test_maps_compose_across_versions():
    carried = carried_keys(OLD, [STEP_1, STEP_2])
    assert carried["A-03"] == ("B-03",)  # renamed, then merged
    assert carried["A-04"] == ("A-04", "B-02") and carried["A-05"] == ()
    assert carried_keys(OLD, []) == {key: (key,) for key in OLD}  # the same version


def test_word_diff_marks_what_was_removed_and_added():
    segments = word_diff("Keep the file for 10 years.", "Keep the patient file for 15 years.")
    assert segments == (Segment("same", "Keep the "), Segment("added", "patient "),
                        Segment("same", "file for "), Segment("removed", "10 "),
                        Segment("added", "15 "), Segment("same", "years.")), segments
    assert "".join(s.text for s in segments if s.kind != "removed") == \
        "Keep the patient file for 15 years."
    assert word_diff("Same  text\n here", "Same text here") == (
        Segment("same", "Same text here"),)


def test_punctuation_is_a_word_of_its_own():
    assert word_diff("qualified", "qualified, with a file") == (
        Segment("same", "qualified"), Segment("added", ", with a file"))


def test_compare_in_one_language_and_the_fields_around_the_texts():
    old = {"title": {"fr": "Un PRRC", "nl": "Een PRRC", "en": "A PRRC"},
           "guidance": {"fr": "Désignez.", "nl": "Duid aan.", "en": "Designate."},
           "evidence": {"fr": "Lettre", "nl": "Brief", "en": "Letter"},
           "references": ["MDR Art. 15(1)"], "criticality": "minor", "basis": None,
           "applies_to": [], "period_months": None}
    new = {**old, "title": {"fr": "Un PRRC qualifié", "nl": "Een PRRC", "en": "A PRRC"},
           "references": ["MDR Art. 15(1)", "MDR Art. 15(2)"], "criticality": "major",
           "basis": "law"}
    french = compare(old, new, "fr")
    assert [t.field for t in french.texts] == ["title"]
    assert french.texts[0].segments[-1] == Segment("added", "qualifié")
    assert french.references_added == ("MDR Art. 15(2)",) and not french.references_removed
    assert [(f.field, f.before, f.after) for f in french.fields] == [
        ("criticality", "minor", "major")]  # a basis first stated is no change
    dutch = compare(old, new, "nl")
    assert dutch.texts == () and dutch.changed  # the Dutch title did not change
    assert not compare(old, dict(old), "en").changed
