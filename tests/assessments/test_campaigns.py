"""Campaigns: who is asked, what applies, and carrying answers over."""

import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from compliance.assessments.models import Answer, Assessment
from compliance.assessments.services import save_answer
from compliance.auth.models import User
from compliance.campaigns.models import Campaign
from compliance.errors import DomainError
from compliance.extensions import db
from compliance.manual.models import ManualVersion
from compliance.members.models import Member
from tests import factories
from tests.conftest import login, post
from tests.unit.test_manual_loader import edit


def test_each_member_gets_the_requirements_of_its_profile(app, assessments):
    with app.app_context():
        a = db.session.get(Assessment, assessments["a"])
        b = db.session.get(Assessment, assessments["b"])
        assert {x.requirement_key for x in a.answers if x.included} == {"ORG-01", "ORG-02",
                                                                         "MGT-01"}
        assert {x.requirement_key for x in b.answers if x.included} == {"ORG-01", "MGT-01",
                                                                         "MGT-02"}
        assert len(a.answers) == len(b.answers) == 4  # the others: not applicable by profile
        assert a.state == b.state == "not_started"


@pytest.mark.parametrize(("mode", "values", "codes"), [
    ("all", [], ["MEM-A", "MEM-B"]),
    ("region", ["flanders"], ["MEM-A", "MEM-B"]),
    ("region", ["wallonia"], []),
    ("activity", ["prostheses"], ["MEM-B"]),
    ("members", "MEM-A", ["MEM-A"]),
])
def test_staff_choose_who_is_asked(app, client, people, manual_path, mode, values, codes):
    with app.app_context():
        version = factories.manual(manual_path)
        db.session.commit()
        version_id = version.id
        if values == "MEM-A":
            values = [str(db.session.scalar(select(Member.id).where(Member.code == "MEM-A")))]
    login(client, people["staff"])
    form = {"title": "Readiness 2027", "manual_version": str(version_id),
            "due_date": (date.today() + timedelta(days=60)).isoformat(), "mode": mode,
            {"region": "regions", "activity": "activities", "members": "members"}.get(
                mode, "regions"): values}
    response = post(client, "/campaigns/new", form)
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        if not codes:
            assert response.status_code == 400
            assert "No member matches this choice." in response.get_data(as_text=True)
            assert campaign is None
            return
        assert response.status_code == 302
        assert sorted(a.member.code for a in campaign.assessments) == codes
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Readiness 2027" in page and all(code in page for code in codes)


def test_campaign_with_a_past_due_date_is_refused(app, client, people, manual_path):
    with app.app_context():
        version_id = factories.manual(manual_path).id
        db.session.commit()
    login(client, people["staff"])
    response = post(client, "/campaigns/new", {
        "title": "Late", "manual_version": str(version_id), "mode": "all",
        "due_date": (date.today() - timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert "The due date is in the past." in response.get_data(as_text=True)


def test_members_cannot_create_campaigns(client, people):
    login(client, people["manager"])
    assert client.get("/campaigns/new").status_code == 403


def _answer_all(assessment_id: int, email: str) -> None:
    assessment = db.session.get(Assessment, assessment_id)
    actor = db.session.scalar(select(User).where(User.email == email))
    for answer in assessment.answers:
        if answer.included:
            save_answer(answer, status="partial", justification=None, comment="as before",
                        revision=answer.revision, actor=actor)


def test_a_later_campaign_carries_answers_over_to_confirm(app, assessments, people):
    with app.app_context():
        _answer_all(assessments["a"], people["manager"])
        version = db.session.get(ManualVersion, assessments["version"])
        later = factories.campaign(version, title="Follow-up", carry_over=True)
        db.session.commit()
        new = next(a for a in later.assessments if a.member.code == "MEM-A")
        assert new.previous_id == assessments["a"]
        carried = {a.requirement_key: a for a in new.answers}
        assert carried["ORG-01"].status == "partial" and carried["ORG-01"].to_confirm
        assert carried["ORG-01"].comment == "as before"
        assert not carried["ORG-01"].answered  # never final until confirmed
        assert carried["MGT-02"].status is None
        assert not any(a.text_changed for a in new.answers)


def test_a_newer_manual_version_flags_changed_texts(app, assessments, people, manual_path,
                                                   tmp_path):
    changed = tmp_path / "manual"
    shutil.copytree(manual_path, changed)
    edit(changed / "manual.yaml", 'version: "1.0"', 'version: "1.1"')
    edit(changed / "a.yaml", "Describe who does what.", "Describe in writing who does what.")
    with app.app_context():
        _answer_all(assessments["a"], people["manager"])
        newer = factories.manual(changed)
        later = factories.campaign(newer, title="On 1.1", carry_over=True)
        db.session.commit()
        new = next(a for a in later.assessments if a.member.code == "MEM-A")
        flags = {a.requirement_key: a.text_changed for a in new.answers if a.to_confirm}
        assert flags == {"ORG-01": False, "ORG-02": True, "MGT-01": False}
        assert all(a.requirement.manual_version_id == newer.id for a in new.answers)


def test_carry_over_brings_evidence_links_but_not_withdrawn_files(app, assessments, people):
    import io

    from compliance.assessments.services import link_evidence
    from compliance.evidence.services import upload_evidence, withdraw_evidence

    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == people["manager"]))
        assessment = db.session.get(Assessment, assessments["a"])
        answer = next(a for a in assessment.answers if a.requirement_key == "ORG-01")
        kept, gone = (upload_evidence(assessment.member, filename=f"{n}.pdf",
                                      stream=io.BytesIO(factories.pdf_bytes(n)), title=n,
                                      document_date=None, expiry_date=None, version_note=None,
                                      actor=actor) for n in ("kept", "gone"))
        link_evidence(answer, kept, actor=actor)
        link_evidence(answer, gone, actor=actor)
        save_answer(answer, status="compliant", justification=None, comment=None,
                    revision=answer.revision, actor=actor)
        withdraw_evidence(gone, reason="replaced", actor=actor)
        version = db.session.get(ManualVersion, assessments["version"])
        later = factories.campaign(version, title="Next", carry_over=True)
        db.session.commit()
        new = next(a for a in later.assessments if a.member.code == "MEM-A")
        carried = next(a for a in new.answers if a.requirement_key == "ORG-01")
        assert [link.evidence.title for link in carried.evidence_links] == ["kept"]


def test_a_requirement_can_be_taken_back_in_with_a_justification(app, client, people,
                                                                  assessments):
    answer_id = assessments["answers"][("MEM-A", "MGT-02")]
    login(client, people["manager"])
    url = f"/assessments/{assessments['a']}/answers/{answer_id}/include"
    refused = post(client, url, {"justification": " "})
    assert refused.status_code == 400
    assert post(client, url, {"justification": "We also make prostheses"}).status_code == 302
    with app.app_context():
        answer = db.session.get(Answer, answer_id)
        assert answer.included and answer.inclusion_justification == "We also make prostheses"
        assert not answer.applicable_by_profile


def test_create_campaign_refuses_nonsense(app, assessments):
    with app.app_context():
        version = db.session.get(ManualVersion, assessments["version"])
        with pytest.raises(DomainError, match="Choose at least one region"):
            factories.campaign(version, mode="region", values=["mars"])
        with pytest.raises(DomainError, match="needs a title"):
            factories.campaign(version, title="  ")
        db.session.rollback()
        assert db.session.scalar(select(func.count(Campaign.id))) == 1
