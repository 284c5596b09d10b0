"""Moving to a new manual version without losing work: a campaign on 2.0 that carries
answers over from a 1.0 assessment follows the key map of tests/data/manual-carry
(ORG-02 merged into ORG-01, ORG-03 renamed PUR-01, MGT-01 kept, MGT-02 split into MGT-04
and MGT-05, MGT-03 removed); the 1.0 assessment stays as it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from compliance.assessments.models import Answer, Assessment
from compliance.assessments.services import link_evidence, save_answer
from compliance.audit import AuditEvent
from compliance.auth.models import User
from compliance.evidence.services import upload_evidence, withdraw_evidence
from compliance.extensions import db
from compliance.manual.loader import load_manuals
from compliance.manual.models import ManualVersion
from compliance.manual.services import import_manuals
from compliance.members.models import Member
from tests import factories
from tests.conftest import login, post

CARRY = Path(__file__).parent.parent / "data" / "manual-carry"
# MEM-A's answers on 1.0: status, comment or justification, files linked
ANSWERS = {
    "ORG-01": ("compliant", None, ["appointment"]),
    "ORG-02": ("partial", "Two roles are not written down yet.", ["chart", "appointment"]),
    "ORG-03": ("compliant", "The list is kept by the office.", ["list"]),
    "MGT-01": ("compliant", "Reviewed in March.", ["minutes"]),
    "MGT-02": ("not_applicable", "We use no prefabricated components.", ["old"]),
    "MGT-03": ("compliant", "Read every month.", []),
}


def _snapshot(assessment: Assessment) -> dict:
    return {"state": assessment.state, "revision": assessment.revision,
            "answers": {a.requirement_key: (a.snapshot(), a.revision, sorted(
                link.evidence_id for link in a.evidence_links)) for a in assessment.answers}}


@pytest.fixture
def moved(app, db, people):
    """Both versions imported; a 1.0 campaign for MEM-A and MEM-B, MEM-A answered (one
    file withdrawn since); then a 2.0 campaign carrying answers over, for MEM-A only."""
    with app.app_context():
        old_version, new_version = (r.version for r in import_manuals(load_manuals(CARRY)))
        first = factories.campaign(old_version, title="On 1.0")
        manager = db.session.scalar(select(User).where(User.email == people["manager"]))
        old = next(a for a in first.assessments if a.member.code == "MEM-A")
        files = {name: upload_evidence(old.member, filename=f"{name}.pdf",
                                       stream=io.BytesIO(factories.pdf_bytes(name)), title=name,
                                       document_date=None, expiry_date=None, version_note=None,
                                       actor=manager)
                 for name in ("appointment", "chart", "list", "minutes", "old")}
        for answer in old.answers:
            status, text, linked = ANSWERS[answer.requirement_key]
            for name in linked:
                link_evidence(answer, files[name], actor=manager)
            save_answer(answer, status=status, revision=answer.revision, actor=manager,
                        justification=text if status == "not_applicable" else None,
                        comment=None if status == "not_applicable" else text)
        withdraw_evidence(files["old"], reason="replaced", actor=manager)
        db.session.commit()
        before = _snapshot(old)
        member_b = db.session.scalar(select(Member).where(Member.code == "MEM-B"))
        b_before = _snapshot(next(a for a in first.assessments if a.member_id == member_b.id))
        member_a = old.member_id
        second = factories.campaign(new_version, title="On 2.0", mode="members",
                                    values=[str(member_a)], carry_over=True, actor=manager)
        db.session.commit()
        new = second.assessments[0]
        return {"old": old.id, "new": new.id, "before": before, "b_before": b_before,
                "first": first.id, "second": second.id, "files": {n: f.id for n, f in
                                                                   files.items()}}


def answers_of(assessment_id: int) -> dict[str, Answer]:
    return {a.requirement_key: a for a in db.session.get(Assessment, assessment_id).answers}


def titles(answer: Answer) -> list[str]:
    return [link.evidence.title for link in answer.evidence_links]


def test_a_kept_requirement_gets_its_answer_to_confirm(app, moved):
    with app.app_context():
        kept = answers_of(moved["new"])["MGT-01"]
        assert (kept.status, kept.comment, titles(kept)) == ("compliant", "Reviewed in March.",
                                                             ["minutes"])
        assert kept.to_confirm and not kept.answered and not kept.text_changed
        assert [s["key"] for s in kept.carried_from] == ["MGT-01"]


def test_a_renamed_requirement_gets_the_old_key_answer(app, moved):
    with app.app_context():
        renamed = answers_of(moved["new"])["PUR-01"]
        assert (renamed.status, renamed.comment, titles(renamed)) == (
            "compliant", "The list is kept by the office.", ["list"])
        assert renamed.to_confirm and not renamed.text_changed  # the same words as before
        assert [(s["key"], s["relation"], s["version"]) for s in renamed.carried_from] == [
            ("ORG-03", "renamed", "1.0")]


def test_a_merged_requirement_shows_every_old_answer(app, moved):
    with app.app_context():
        merged = answers_of(moved["new"])["ORG-01"]
        assert merged.status == "partial"  # the most cautious of compliant and partial
        assert merged.comment == "ORG-02: Two roles are not written down yet."
        assert titles(merged) == ["appointment", "chart"]  # each file once
        assert merged.to_confirm and merged.text_changed
        assert [(s["key"], s["status"], s["relation"]) for s in merged.carried_from] == [
            ("ORG-01", "compliant", "merged"), ("ORG-02", "partial", "merged")]


def test_a_split_requirement_gives_each_part_the_old_answer(app, moved):
    with app.app_context():
        answers = answers_of(moved["new"])
        for key in ("MGT-04", "MGT-05"):
            part = answers[key]
            assert part.status == "not_applicable" and part.to_confirm and part.text_changed
            assert part.justification == "We use no prefabricated components."
            assert titles(part) == []  # the only file was withdrawn: never carried
            assert [(s["key"], s["relation"]) for s in part.carried_from] == [
                ("MGT-02", "split")]


def test_a_removed_requirement_is_not_carried_and_its_answer_stays(app, moved):
    with app.app_context():
        assert "MGT-03" not in answers_of(moved["new"])
        assert answers_of(moved["old"])["MGT-03"].comment == "Read every month."
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "assessment.created", AuditEvent.assessment_id == moved["new"]))
        assert event.after["not_carried"] == ["MGT-03"]
        assert (event.after["carried"], event.after["merged"]) == (5, 1)


def test_the_1_0_assessments_are_untouched(app, moved):
    with app.app_context():
        old = db.session.get(Assessment, moved["old"])
        assert _snapshot(old) == moved["before"]
        assert old.campaign.manual_version.version == "1.0"
        member_b = db.session.scalar(select(Member).where(Member.code == "MEM-B"))
        assessments_b = db.session.scalars(select(Assessment).where(
            Assessment.member_id == member_b.id)).all()
        assert [a.campaign_id for a in assessments_b] == [moved["first"]]  # not asked again
        assert _snapshot(assessments_b[0]) == moved["b_before"]
        new = db.session.get(Assessment, moved["new"])
        assert new.previous_id == old.id and new.state == "not_started"


def test_confirming_a_merged_answer_makes_it_final(app, client, people, moved):
    with app.app_context():
        merged = answers_of(moved["new"])["ORG-01"]
        answer_id, revision = merged.id, merged.revision
    login(client, people["manager"])
    url = f"/assessments/{moved['new']}/answers/{answer_id}"
    response = post(client, url, {"status": "partial", "comment": "Both written now.",
                                  "revision": revision})
    assert response.status_code == 302
    with app.app_context():
        confirmed = db.session.get(Answer, answer_id)
        assert confirmed.answered and not confirmed.to_confirm
        assert len(confirmed.carried_from) == 2  # where it came from stays on record


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["2 earlier answers, carried over from version 1.0", "Partially compliant",
            "Compliant", "Merged", "To confirm", "Text changed", "Law"]),
    ("fr", ["2 réponses antérieures, reprises de la version 1.0", "Partiellement conforme",
            "Fusionnée", "À confirmer", "Loi"]),
    ("nl", ["2 eerdere antwoorden, overgenomen uit versie 1.0", "Gedeeltelijk conform",
            "Samengevoegd", "Te bevestigen", "Wet"]),
])
def test_the_member_sees_the_merged_answers(app, client, people, moved, language, words):
    login(client, people["manager"])
    page = client.get(f"/assessments/{moved['new']}/answers?chapter=ORG",
                      headers={"Accept-Language": language})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for word in words:
        assert word in html, word
    assert "Two roles are not written down yet." in html  # the old comment, as it was


def test_the_renamed_answer_says_where_it_came_from(app, client, people, moved):
    login(client, people["contributor"])
    html = client.get(f"/assessments/{moved['new']}/answers?chapter=PUR",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Carried over from ORG-03 of version 1.0" in html
    assert "Renamed" in html


def test_carry_over_within_one_version_keeps_working(app, moved):
    """A later campaign on 2.0 carries the 2.0 answers key by key (no map needed)."""
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == "manager@a.example"))
        new = db.session.get(Assessment, moved["new"])
        answer = answers_of(moved["new"])["MGT-01"]
        save_answer(answer, status="compliant", justification=None, comment="Confirmed.",
                    revision=answer.revision, actor=manager)
        version = db.session.scalar(select(ManualVersion).where(ManualVersion.version == "2.0"))
        third = factories.campaign(version, title="Again", mode="members",
                                   values=[str(new.member_id)], carry_over=True)
        db.session.commit()
        again = {a.requirement_key: a for a in third.assessments[0].answers}
        assert again["MGT-01"].comment == "Confirmed." and again["MGT-01"].to_confirm
        assert again["ORG-01"].comment == "ORG-02: Two roles are not written down yet."
        assert [s["relation"] for s in again["MGT-01"].carried_from] == ["kept"]
