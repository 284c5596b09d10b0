"""The checklist's rows as members use them: an answer and its files in one post, every
refusal with the input kept and its message at its field, expired pages, counters that
follow in-place saves, carried-over answers confirmed in one step (and audited)."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from compliance.assessments.models import Answer, Assessment
from compliance.audit import AuditEvent
from compliance.evidence.models import Evidence
from compliance.extensions import db
from tests import factories
from tests.conftest import csrf_token, login, post

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path / "evidence"))


def row_url(assessments, key: str, query: str = "") -> str:
    return f"/assessments/{assessments['a']}/answers/{assessments['answers'][('MEM-A', key)]}" \
        + query


def revision(app, assessments, key: str) -> int:
    with app.app_context():
        return db.session.get(Answer, assessments["answers"][("MEM-A", key)]).revision


def answer(app, assessments, key: str) -> Answer:
    with app.app_context():
        found = db.session.get(Answer, assessments["answers"][("MEM-A", key)])
        db.session.expunge(found)
        return found


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def row_html(page: str, key: str) -> str:
    start = page.index(f'id="{key}"')
    return page[start:page.index("</section>", start)]


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_an_answer_and_its_file_are_saved_by_one_post(app, client, people, assessments):
    login(client, people["manager"])
    response = client.post(row_url(assessments, "ORG-01"), headers=EN, data={
        "csrf_token": csrf_token(client), "revision": revision(app, assessments, "ORG-01"),
        "status": "partial", "comment": "Signed letter to follow",
        "files": (io.BytesIO(factories.pdf_bytes("letter")), "letter.pdf")})
    assert response.status_code == 302
    saved = answer(app, assessments, "ORG-01")
    assert (saved.status, saved.comment) == ("partial", "Signed letter to follow")
    shown = text_of(client.get(response.headers["Location"], headers=EN))
    row = row_html(shown, "ORG-01")
    assert "Answer to ORG-01 saved. 1 file added to ORG-01." in row
    assert "letter.pdf" in row


def test_a_refused_file_keeps_the_answer_typed_and_saves_nothing(app, client, people,
                                                                 assessments):
    login(client, people["manager"])
    response = client.post(row_url(assessments, "ORG-01", "?show=unanswered"), headers=EN,
                           data={"csrf_token": csrf_token(client),
                                 "revision": revision(app, assessments, "ORG-01"),
                                 "status": "not_compliant", "comment": "Typed before upload",
                                 "files": (io.BytesIO(b"MZ fake"), "scan.pdf")})
    assert response.status_code == 400
    row = row_html(text_of(response), "ORG-01")
    assert 'value="not_compliant" checked' in row
    assert "Typed before upload" in row
    files_field = row[row.index('class="field add-files'):]
    assert "scan.pdf is not a real PDF file" in files_field[:files_field.index("</div>")]
    assert answer(app, assessments, "ORG-01").status is None
    with app.app_context():
        assert count(Evidence) == 0


def test_a_too_long_note_is_refused_at_its_field_with_the_status_kept(app, client, people,
                                                                     assessments):
    login(client, people["manager"])
    page = text_of(client.get(f"/assessments/{assessments['a']}/answers", headers=EN))
    assert page.count('maxlength="5000"') >= 4  # justification and comment of each row
    long_note = "x" * 100_000
    response = post(client, row_url(assessments, "MGT-01"), {
        "revision": revision(app, assessments, "MGT-01"), "status": "partial",
        "comment": long_note}, headers=EN)
    assert response.status_code == 400
    row = row_html(text_of(response), "MGT-01")
    assert 'value="partial" checked' in row
    comment_field = row[row.index('name="comment"'):]
    assert "At most 5000 characters." in comment_field[:comment_field.index("</div>")]
    assert 'class="field has-error"' in row
    assert answer(app, assessments, "MGT-01").status is None


def test_not_applicable_without_a_reason_is_refused_next_to_the_reason(app, client, people,
                                                                      assessments):
    login(client, people["manager"])
    response = post(client, row_url(assessments, "ORG-01"), {
        "revision": revision(app, assessments, "ORG-01"), "status": "not_applicable",
        "comment": "kept"}, headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    row = row_html(text_of(response), "ORG-01")
    reason = row[row.index('name="justification"'):]
    assert "een motivering is verplicht" in reason[:reason.index("</div>")]
    assert 'class="flash flash-error"' not in row  # at the field, not as a banner
    # the in-place script gets the field too, and an error that is not green
    json = client.post(row_url(assessments, "ORG-01"), headers={"Accept": "application/json"},
                       data={"csrf_token": csrf_token(client), "status": "not_applicable",
                             "revision": revision(app, assessments, "ORG-01")})
    assert json.status_code == 400 and json.json["field"] == "justification"


def test_an_expired_page_keeps_what_was_typed(app, client, people, assessments):
    login(client, people["manager"])
    response = client.post(row_url(assessments, "ORG-01"), headers=EN, data={
        "csrf_token": "from-a-session-that-ended", "status": "compliant",
        "comment": "Written before lunch", "revision": revision(app, assessments, "ORG-01")})
    assert response.status_code == 400
    row = row_html(text_of(response), "ORG-01")
    assert "This page had expired" in row and "Written before lunch" in row
    assert 'value="compliant" checked' in row
    assert answer(app, assessments, "ORG-01").status is None


def test_counters_follow_an_in_place_save(app, client, people, assessments):
    login(client, people["manager"])
    response = client.post(row_url(assessments, "ORG-01"),
                           headers={"Accept": "application/json", **EN},
                           data={"csrf_token": csrf_token(client), "status": "compliant",
                                 "revision": revision(app, assessments, "ORG-01")})
    data = response.json
    assert data["saved"] is True and data["answered"] is True
    assert data["line"] == "1 of 3 answered" and data["percent"] == 33
    assert data["chapter"]["count"] == "1/2"  # ORG: ORG-01 and ORG-02 apply to MEM-A
    page = client.get(f"/assessments/{assessments['a']}/answers", headers=EN)
    side = text_of(page)
    assert re.search(r'data-chapter="\d+">1/2<', side)
    assert "33 %</strong> · <span class=\"answered\">1 of 3 answered" in side


@pytest.fixture
def carried(app, people, assessments):
    """MEM-A answered everything in 2026; the 2027 campaign carries it over. ORG-02's
    requirement text changed since; MGT-01 was not applicable without a reason."""
    from compliance.assessments.services import save_answer
    from compliance.auth.models import User

    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == people["manager"]))
        first = db.session.get(Assessment, assessments["a"])
        for item in first.answers:
            if item.included:
                save_answer(item, status="compliant", justification=None, comment="2026",
                            revision=item.revision, actor=manager)
        first.state = "pre_audited"
        version = first.campaign.manual_version
        second = factories.campaign(version, title="Campaign 2027", carry_over=True)
        assessment = next(a for a in second.assessments if a.member_id == first.member_id)
        by_key = {a.requirement_key: a for a in assessment.answers}
        by_key["ORG-02"].text_changed = True
        by_key["MGT-01"].status = "not_applicable"
        db.session.commit()
        return {"id": assessment.id, "ids": {k: a.id for k, a in by_key.items()}}


def test_carried_over_answers_are_confirmed_in_one_step_and_audited(app, client, people,
                                                                    carried):
    login(client, people["contributor"])
    response = post(client, f"/assessments/{carried['id']}/confirm", {"scope": "all"},
                    headers=EN, follow_redirects=True)
    shown = text_of(response)
    assert "1 answer confirmed." in shown
    assert "Left to confirm because its requirement changed since: ORG-02." in shown
    assert "(an answer or a reason why it does not apply is missing): MGT-01." in shown
    with app.app_context():
        states = {a.requirement_key: a.to_confirm for a in db.session.scalars(
            select(Answer).where(Answer.assessment_id == carried["id"], Answer.included))}
        assert states == {"ORG-01": False, "ORG-02": True, "MGT-01": True}
        (event,) = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "answer.confirmed"))
        assert event.after["requirement"] == "ORG-01" and event.before["to_confirm"] is True
        assert event.actor.email == people["contributor"]
        assert db.session.get(Assessment, carried["id"]).state == "in_progress"


def test_a_selection_of_carried_over_answers_is_confirmed(app, client, people, carried):
    login(client, people["manager"])
    response = post(client, f"/assessments/{carried['id']}/confirm?show=to_confirm",
                    {"scope": "selected", "answer": [carried["ids"]["ORG-02"]]}, headers=EN)
    assert response.status_code == 302 and "show=to_confirm" in response.headers["Location"]
    with app.app_context():
        assert db.session.get(Answer, carried["ids"]["ORG-01"]).to_confirm is True
        # a changed requirement is never confirmed blindly, even when selected
        assert db.session.get(Answer, carried["ids"]["ORG-02"]).to_confirm is True
    post(client, f"/assessments/{carried['id']}/confirm",
         {"scope": "selected", "answer": [carried["ids"]["ORG-01"]]})
    with app.app_context():
        assert db.session.get(Answer, carried["ids"]["ORG-01"]).to_confirm is False


def test_nothing_is_confirmed_in_a_locked_assessment(app, client, people, carried,
                                                     assessments):
    login(client, people["manager"])
    response = post(client, f"/assessments/{assessments['a']}/confirm", {"scope": "all"},
                    headers=EN, follow_redirects=True)
    assert "The pre-audit of this assessment is completed" in text_of(response)
    with app.app_context():
        assert count(AuditEvent, AuditEvent.action == "answer.confirmed") == 0


def test_readers_cannot_confirm(app, client, people, carried):
    login(client, people["consultant"])
    assert post(client, f"/assessments/{carried['id']}/confirm", {"scope": "all"}
                ).status_code == 403
