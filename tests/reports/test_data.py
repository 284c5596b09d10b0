"""The reports' data, built from the database, without any PDF."""

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from compliance.assessments.models import Assessment
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.members.models import Member
from compliance.reports.common import UnknownLanguage
from compliance.reports.pre_audit import build_pre_audit_report
from compliance.reports.sector import build_sector_report, score_bands
from compliance.reports.self_assessment import build_self_assessment_report
from tests.reports.conftest import EVIDENCE_BYTES, SIGNED_ON


def _assessment(ids, key="a"):
    return db.session.get(Assessment, ids[key])


def _members():
    return {m.code: m for m in db.session.scalars(select(Member))}


def test_self_assessment_data(app, audited):
    with app.app_context():
        data = build_self_assessment_report(_assessment(audited), "fr")
        member = _members()["MEM-A"]
    assert (data.cover.member_code, data.cover.member_name) == ("MEM-A", member.name)
    assert data.cover.enterprise_number == member.enterprise_number
    assert data.cover.manual_title == "Manuel d'essai"
    assert data.cover.state == "pre_audited"
    assert [(c.key, c.title) for c in data.chapters] == [("ORG", "Organisation"),
                                                         ("MGT", "Revue de direction")]
    org, mgt = data.chapters
    assert [a.key for a in org.answers] == ["ORG-01", "ORG-02"]
    assert [a.key for a in mgt.answers] == ["MGT-01"]  # MGT-02 does not apply
    assert data.not_applicable_by_profile == 1
    first = org.answers[0]
    assert first.title == "Un PRRC est désigné"
    assert (first.status, first.comment) == ("compliant", "Désignation signée par la gérante.")
    assert first.references == ("MDR Art. 15(1)",)
    (evidence,) = first.evidence
    assert (evidence.title, evidence.filename, evidence.document_date) == (
        "Désignation du PRRC", "designation-prrc.pdf", date(2026, 1, 10))
    assert evidence.sha256 == hashlib.sha256(EVIDENCE_BYTES).hexdigest()
    assert data.self_score == pytest.approx(92.9)
    assert (org.self_score, mgt.self_score) == (87.5, 100.0)
    assert (data.answered, data.applicable) == (3, 3)
    assert [(i.key, i.reason) for i in data.open_items] == [("ORG-02", "partial")]


def test_self_assessment_in_dutch_and_unanswered(app, assessments):
    with app.app_context():
        data = build_self_assessment_report(_assessment(assessments, "b"), "nl")
    assert data.cover.manual_title == "Testhandboek"
    titles = [a.title for c in data.chapters for a in c.answers]
    assert "Er is een PRRC aangeduid" in titles and "Prothesen worden getest" in titles
    assert {i.reason for i in data.open_items} == {"unanswered"}
    assert data.self_score == 0 and data.answered == 0


def test_pre_audit_data(app, people, audited):
    with app.app_context():
        data = build_pre_audit_report(_assessment(audited), "fr")
    assert data.completed and data.readiness == "not_ready"
    assert (data.self_score, data.consultant_score) == (92.9, 50.0)
    assert data.calibration_gap == pytest.approx(42.9)
    assert data.open_major == 1
    assert [(f.severity, f.key) for f in data.findings] == [("major_nc", "MGT-01"),
                                                            ("minor_nc", "ORG-02")]
    major = data.findings[0]
    assert major.title == "La direction revoit le système chaque année"
    assert major.references == ("EN ISO 13485:2016 §5.6", "MDR Art. 10(9)")
    assert major.comment == "Aucune revue de direction en 2025."
    assert major.self_status == "compliant"
    assert {(c.key, c.self_score, c.consultant_score, c.gap) for c in data.chapters} == {
        ("ORG", 87.5, 87.5, 0.0), ("MGT", 100.0, 0.0, 100.0)}
    actions = {a.key: a for a in data.actions}
    assert set(actions) == {"MGT-01", "ORG-02"}
    assert actions["MGT-01"].due_date == SIGNED_ON + timedelta(days=30)
    assert actions["MGT-01"].overdue and not actions["ORG-02"].overdue
    assert actions["MGT-01"].owner == "Manager"
    assert (data.sign_off.signed_by_name, data.sign_off.signed_on) == ("Eva Janssens", SIGNED_ON)
    assert data.sign_off.consultant == "Consultant"
    assert [(c.before, c.after) for c in data.state_changes] == [
        ("not_started", "in_progress"), ("in_progress", "submitted"),
        ("submitted", "in_pre_audit"), ("in_pre_audit", "pre_audited")]
    trail = {(t.actor, t.action): t.count for t in data.trail}
    assert trail[("Consultant", "verdict.saved")] == 3
    assert trail[("Manager", "answer.saved")] == 3
    assert [v.verdict for v in data.verdicts] == ["conform", "minor_nc", "major_nc"]


def test_pre_audit_data_before_sign_off_is_a_preview(app, reviewed):
    with app.app_context():
        data = build_pre_audit_report(_assessment(reviewed), "en")
    assert not data.completed and data.actions == ()
    assert data.sign_off.signed_by_name is None


def test_fingerprint_is_the_data_not_the_time(app, audited):
    with app.app_context():
        assessment = _assessment(audited)
        now = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
        first = build_pre_audit_report(assessment, "fr", now=now)
        later = build_pre_audit_report(assessment, "fr", now=now + timedelta(minutes=5))
        dutch = build_pre_audit_report(assessment, "nl", now=now)
    assert first.fingerprint == later.fingerprint
    assert first.fingerprint == hashlib.sha256(first.canonical_json().encode()).hexdigest()
    assert len(first.fingerprint) == 64
    assert "generated_at" not in json.loads(first.canonical_json())
    assert dutch.fingerprint != first.fingerprint  # the titles differ
    changed = replace(first, findings=first.findings[:1])
    assert changed.fingerprint != first.fingerprint


def test_unknown_language(app, assessments):
    with app.app_context(), pytest.raises(UnknownLanguage):
        build_self_assessment_report(_assessment(assessments), "de")


def test_sector_data_anonymised(app, audited):
    with app.app_context():
        campaign = db.session.get(Campaign, audited["campaign"])
        data = build_sector_report(campaign, "fr", today=date.today())
        members = _members()
    text = data.canonical_json()
    for member in members.values():
        assert member.name not in text and member.enterprise_number not in text
        assert member.enterprise_number.replace(".", "") not in text
    # pseudonyms, numbered in the order of a keyed hash (not the codes'), in the report's
    # language; no member code anywhere in the data
    assert sorted(m.label for m in data.members) == ["Membre 01", "Membre 02"]
    assert "MEM-A" not in text and "MEM-B" not in text
    assert {m.region for m in data.members} == {"other"}  # two members: too few to show
    audited_label = next(m.label for m in data.members if m.state == "pre_audited")
    assert all(m.name is None and m.enterprise_number is None for m in data.members)
    assert data.anonymised and data.scope == "all"
    assert dict(data.states) == {"not_started": 1, "in_progress": 0, "submitted": 0,
                                 "in_pre_audit": 0, "pre_audited": 1}
    assert dict(data.readiness) == {"ready": 0, "nearly_ready": 0, "not_ready": 1}
    assert dict(data.score_bands)["40–60"] == 1
    assert {(h.key, h.self_rate, h.consultant_rate) for h in data.heat} == {
        ("ORG", 87.5, 87.5), ("MGT", 100.0, 0.0)}
    assert {g.key: g.nonconformities for g in data.gaps} == {"MGT-01": 1, "ORG-02": 1}
    assert [(o.member_label, o.key, o.member_name) for o in data.overdue] == [
        (audited_label, "MGT-01", None)]
    assert [label for label, _cells in data.member_heat] == [audited_label]
    assert data.overdue_total == 1
    (trend,) = data.trend
    assert (trend.members, trend.submitted, trend.pre_audited, trend.mean_consultant) == (
        2, 1, 1, 50.0)


def test_sector_data_with_names(app, audited):
    with app.app_context():
        campaign = db.session.get(Campaign, audited["campaign"])
        data = build_sector_report(campaign, "fr", anonymised=False)
        members = _members()
    named = {m.label: (m.name, m.enterprise_number) for m in data.members}
    assert named == {code: (m.name, m.enterprise_number) for code, m in members.items()}
    assert data.overdue[0].member_name == members["MEM-A"].name
    assert not data.anonymised


def test_sector_data_for_a_consultant_holds_their_members_only(app, audited):
    with app.app_context():
        campaign = db.session.get(Campaign, audited["campaign"])
        mine = [_members()["MEM-A"].id]
        data = build_sector_report(campaign, "en", member_ids=mine)
    assert [m.label for m in data.members] == ["Member 01"] and data.scope == "assigned"
    assert data.trend[0].members == 1


def test_score_bands():
    assert score_bands([0, 19.9, 20, 59.9, 60, 80, 100]) == (
        ("0–20", 2), ("20–40", 1), ("40–60", 1), ("60–80", 1), ("80–100", 2))
