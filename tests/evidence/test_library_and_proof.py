"""Evidence where it is needed: uploaded into the library and with a corrective action,
also after the pre-audit; the same file recognised by its hash and reused; each
requirement once among a file's tags."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from compliance.actions.models import CorrectiveAction
from compliance.assessments.models import Answer, AnswerEvidence, Assessment
from compliance.evidence.models import Evidence
from compliance.extensions import db
from compliance.reviews.models import RequirementVerdict
from tests import factories
from tests.conftest import csrf_token, login

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path / "evidence"))


@pytest.fixture
def pre_audited(app, people, assessments):
    """MEM-A's assessment pre-audited (locked), with an open corrective action."""
    with app.app_context():
        assessment = db.session.get(Assessment, assessments["a"])
        assessment.state = "pre_audited"
        answer = next(a for a in assessment.answers if a.requirement_key == "ORG-01")
        verdict = RequirementVerdict(answer=answer, verdict="major_nc", revision=1)
        db.session.add(verdict)
        db.session.flush()
        action = CorrectiveAction(verdict_id=verdict.id, assessment_id=assessment.id,
                                  member_id=assessment.member_id, severity="major_nc",
                                  requirement_key="ORG-01", description="Designate a PRRC",
                                  due_date=date.today())
        db.session.add(action)
        db.session.commit()
        return action.id


def upload_to_library(client, files, **fields):
    return client.post("/evidence/upload", headers=EN, data={
        "csrf_token": csrf_token(client), **fields,
        "files": [(io.BytesIO(content), name) for content, name in files]})


def evidence_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Evidence.id)))


def test_the_library_takes_uploads_after_the_pre_audit(app, client, people, pre_audited):
    login(client, people["contributor"])
    content = factories.pdf_bytes("training attendance")
    response = upload_to_library(client, [(content, "attendance.pdf")],
                                 title="Training attendance", document_date="2026-03-01")
    assert response.status_code == 302
    library = html.unescape(client.get(response.headers["Location"], headers=EN)
                            .get_data(as_text=True))
    assert "attendance.pdf is in the library." in library and "Training attendance" in library
    again = upload_to_library(client, [(content, "copy.pdf")])
    shown = html.unescape(client.get(again.headers["Location"], headers=EN)
                          .get_data(as_text=True))
    assert "copy.pdf is already in the library as “Training attendance”" in shown
    assert evidence_count(app) == 1


def test_a_refused_library_upload_keeps_the_typed_title(app, client, people, pre_audited):
    login(client, people["manager"])
    response = upload_to_library(client, [(b"", "empty.pdf")], title="Kept title")
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "empty.pdf is empty." in page and 'value="Kept title"' in page
    assert evidence_count(app) == 0


def test_readers_cannot_upload_into_a_library(app, client, people, pre_audited):
    login(client, people["consultant"])
    assert upload_to_library(client, [(factories.pdf_bytes(), "x.pdf")]).status_code == 404
    # (the consultant has no library of their own: ?member= names the member's)
    response = client.post(f"/evidence/upload?member={_member_id(app, people)}", data={
        "csrf_token": csrf_token(client)})
    assert response.status_code == 403


def _member_id(app, people) -> int:
    from compliance.auth.models import User
    with app.app_context():
        return db.session.scalar(select(User.member_id).where(
            User.email == people["manager"]))


def test_proof_is_uploaded_with_the_action_done_after_the_pre_audit(app, client, people,
                                                                   pre_audited):
    login(client, people["manager"])
    url = f"/actions/{pre_audited}"
    assert 'name="files"' in client.get(url).get_data(as_text=True)
    refused = client.post(f"{url}/done", headers=EN, data={
        "csrf_token": csrf_token(client), "closure_note": "PRRC designated in writing",
        "files": (io.BytesIO(b"not a pdf"), "designation.pdf")})
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "designation.pdf is not a real PDF file" in page
    assert "PRRC designated in writing" in page  # the note typed is kept
    assert evidence_count(app) == 0
    done = client.post(f"{url}/done", headers=EN, data={
        "csrf_token": csrf_token(client), "closure_note": "PRRC designated in writing",
        "proof_title": "Designation letter",
        "files": (io.BytesIO(factories.pdf_bytes("designation")), "designation.pdf")})
    assert done.status_code == 302
    with app.app_context():
        action = db.session.get(CorrectiveAction, pre_audited)
        assert action.status == "done"
        assert [e.title for e in action.evidence] == ["Designation letter"]
        # the locked checklist did not change
        assert db.session.scalar(select(func.count()).select_from(AnswerEvidence)) == 0
    assert "Designation letter" in client.get("/evidence/").get_data(as_text=True)


def test_a_file_carried_over_shows_its_requirement_once(app, client, people, assessments):
    """A file supporting ORG-01 in two campaigns: one ORG-01 tag, to the newest."""
    from compliance.assessments.services import link_evidence, save_answer
    from compliance.auth.models import User
    from compliance.evidence.services import upload_evidence

    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == people["manager"]))
        first = db.session.get(Assessment, assessments["a"])
        evidence = upload_evidence(first.member, filename="prrc.pdf",
                                   stream=io.BytesIO(factories.pdf_bytes("prrc")), title="PRRC",
                                   document_date=None, expiry_date=None, version_note=None,
                                   actor=manager)
        org = next(a for a in first.answers if a.requirement_key == "ORG-01")
        link_evidence(org, evidence, actor=manager)
        for item in first.answers:
            if item.included:
                save_answer(item, status="compliant", justification=None, comment=None,
                            revision=item.revision, actor=manager)
        first.state = "pre_audited"
        second = factories.campaign(first.campaign.manual_version, title="2027",
                                    carry_over=True)
        newest = next(a for a in second.assessments if a.member_id == first.member_id)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AnswerEvidence).join(
            Answer).where(Answer.requirement_key == "ORG-01")) == 2
        newest_id = newest.id
    login(client, people["manager"])
    library = client.get("/evidence/").get_data(as_text=True)
    assert library.count('class="tag">ORG-01<') == 1
    assert f'/assessments/{newest_id}/answers#ORG-01' in library
