"""The scoring formula: worked examples and properties that must always hold."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance.scoring import DEFAULT_POLICY, Readiness, ScoreItem, ScoringPolicy, score

STATUSES = [None, "compliant", "partial", "not_compliant", "not_applicable"]
VERDICTS = [None, "conform", "observation", "minor_nc", "major_nc", "not_applicable"]

items_strategy = st.lists(st.builds(
    ScoreItem,
    key=st.uuids().map(lambda u: u.hex[:8]),
    chapter=st.sampled_from(["ORG", "QMS", "RISK"]),
    criticality=st.sampled_from(["major", "minor"]),
    self_status=st.sampled_from(STATUSES),
    verdict=st.sampled_from(VERDICTS),
    nc_open=st.booleans(),
), max_size=30)


def test_worked_example_from_the_documentation():
    items = [
        ScoreItem("ORG-01", "ORG", "major", "compliant", "conform"),
        ScoreItem("ORG-02", "ORG", "minor", "partial", "minor_nc", nc_open=True),
        ScoreItem("QMS-01", "QMS", "major", "compliant", "major_nc", nc_open=True),
        ScoreItem("QMS-02", "QMS", "minor", "not_applicable", "not_applicable"),
    ]
    card = score(items)
    # self: (3×1 + 1×0.5 + 3×1) / 7 = 92.86; consultant: (3×1 + 1×0.5 + 3×0) / 7 = 50
    assert card.self_score == pytest.approx(650 / 7)
    assert card.consultant_score == pytest.approx(350 / 7)
    assert card.chapters["ORG"].consultant_score == pytest.approx(87.5)
    assert card.chapters["QMS"].self_score == 100 and card.chapters["QMS"].consultant_score == 0
    assert card.readiness == Readiness.NOT_READY and card.open_major == 1
    assert card.calibration_gap == pytest.approx(300 / 7)
    assert card.disagreements == ("QMS-01",)  # partial and minor NC both credit 0.5
    assert [(g.key, g.shortfall) for g in card.gaps] == [("QMS-01", 3.0), ("ORG-02", 0.5)]


@pytest.mark.parametrize(("verdicts", "open_major", "expected"), [
    (["conform"] * 4 + ["minor_nc"], False, Readiness.READY),            # 90
    (["conform"] * 3 + ["major_nc"], False, Readiness.NEARLY_READY),     # 75, closed
    (["conform"] * 3 + ["major_nc"], True, Readiness.NOT_READY),         # open major
    (["conform", "major_nc"], False, Readiness.NOT_READY),               # 50
])
def test_readiness_thresholds(verdicts, open_major, expected):
    items = [ScoreItem(f"K{i}", "C", "major", "compliant", v, nc_open=open_major)
             for i, v in enumerate(verdicts)]
    assert score(items).readiness == expected


def test_thresholds_and_weights_are_configurable():
    items = [ScoreItem("A", "C", "major", "compliant", "conform"),
             ScoreItem("B", "C", "minor", "compliant", "major_nc")]
    assert score(items).consultant_score == 75
    equal = ScoringPolicy(weights={"major": 1, "minor": 1}, ready_at=50, nearly_ready_at=40)
    assert score(items, equal).consultant_score == 50
    assert score(items, equal).readiness == Readiness.READY


def test_nothing_counted_gives_no_score():
    card = score([ScoreItem("A", "C", "major", "not_applicable", None)])
    assert card.self_score is None and card.consultant_score is None
    assert card.readiness is None  # not reviewed yet


def test_unanswered_counts_as_not_compliant_in_the_self_score():
    card = score([ScoreItem("A", "C", "minor", None), ScoreItem("B", "C", "minor", "compliant")])
    assert card.self_score == 50


@given(items_strategy)
def test_every_score_lies_between_0_and_100(items):
    card = score(items)
    scores = [card.self_score, card.consultant_score] + [
        s for c in card.chapters.values() for s in (c.self_score, c.consultant_score)]
    assert all(0 <= s <= 100 for s in scores if s is not None)


@given(items_strategy, st.data())
def test_turning_one_answer_to_conform_never_lowers_a_score(items, data):
    if not items:
        return
    i = data.draw(st.integers(0, len(items) - 1))
    better = list(items)
    better[i] = ScoreItem(items[i].key, items[i].chapter, items[i].criticality,
                          "compliant", "conform", nc_open=False)
    before, after = score(items), score(better)
    assert _not_lower(after.self_score, before.self_score)
    assert _not_lower(after.consultant_score, before.consultant_score)
    for chapter, was in before.chapters.items():
        now = after.chapters[chapter]
        assert _not_lower(now.self_score, was.self_score)
        assert _not_lower(now.consultant_score, was.consultant_score)
    order = [Readiness.NOT_READY, Readiness.NEARLY_READY, Readiness.READY]
    if before.readiness is not None:
        assert order.index(after.readiness) >= order.index(before.readiness)


@given(items_strategy, st.sampled_from(["ORG", "QMS", "RISK"]),
       st.sampled_from(["major", "minor"]))
def test_not_applicable_requirements_change_nothing(items, chapter, criticality):
    extra = ScoreItem("NA-1", chapter, criticality, "not_applicable", "not_applicable")
    before, after = score(items), score([*items, extra])
    assert after.self_score == before.self_score
    assert after.consultant_score == before.consultant_score
    assert after.readiness == before.readiness and after.gaps == before.gaps
    for name, was in before.chapters.items():
        assert after.chapters[name] == was


def _not_lower(now, was):
    if was is None:
        return True
    return now is not None and now >= was - 1e-9


def test_default_policy_matches_the_product_rules():
    assert DEFAULT_POLICY.weights == {"major": 3.0, "minor": 1.0}
    assert DEFAULT_POLICY.consultant_credit["observation"] == 1.0
    assert (DEFAULT_POLICY.ready_at, DEFAULT_POLICY.nearly_ready_at) == (80.0, 60.0)
