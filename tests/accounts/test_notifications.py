"""Workflow e-mails and in-app notices, over a real SMTP server: each to the right people,
in each one's language, exactly once; switchable per kind; none for a rolled-back change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from compliance.actions.models import CorrectiveAction
from compliance.actions.services import complete_action, verify_action
from compliance.assessments.models import Assessment
from compliance.assessments.services import return_assessment, save_answer, submit_assessment
from compliance.auth.models import User
from compliance.extensions import db
from compliance.notifications.models import SentNotification
from compliance.reminders.models import Notice
from compliance.reviews.services import complete_pre_audit, save_verdict
from compliance.signals import assessment_transitioned
from tests.accounts.mailbox import text_of, to
from tests.conftest import login, post


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def languages(app, people):
    """The consultant reads Dutch, MEM-A's manager French; the contributor has no choice."""
    with app.app_context():
        user(people["consultant"]).locale = "nl"
        user(people["manager"]).locale = "fr"
        db.session.commit()


def answer_all(assessment: Assessment, manager: User) -> None:
    for answer in assessment.answers:
        if answer.included:
            save_answer(answer, status="compliant", justification=None, comment=None,
                        revision=answer.revision, actor=manager)


def submit(app, people, assessment_id: int) -> None:
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        manager = user(people["manager"])
        answer_all(assessment, manager)
        submit_assessment(assessment, actor=manager)
        db.session.commit()


def test_the_whole_workflow_notifies_each_person_once_in_their_language(
        app, people, assessments, languages, smtp_server):
    a = assessments["a"]
    submit(app, people, a)
    [submitted] = to(smtp_server, people["consultant"])
    assert submitted["Content-Language"] == "nl"
    assert submitted["Subject"] == "Workshop MEM-A (MEM-A) heeft zijn zelfevaluatie ingediend"
    assert "http://127.0.0.1:5000/assessments/" in text_of(submitted)

    with app.app_context():
        return_assessment(db.session.get(Assessment, a), reason="le registre PRRC manque",
                          actor=user(people["consultant"]))
        db.session.commit()
    [sent_back] = to(smtp_server, people["manager"])
    assert sent_back["Content-Language"] == "fr"
    assert "le registre PRRC manque" in text_of(sent_back)
    assert "renvoyé" in text_of(sent_back)

    submit(app, people, a)  # submitted again: a new event, a new e-mail
    assert len(to(smtp_server, people["consultant"])) == 2

    with app.app_context():
        consultant = user(people["consultant"])
        assessment = db.session.get(Assessment, a)
        for answer in assessment.answers:
            if answer.included:
                verdict = "minor_nc" if answer.requirement_key == "ORG-02" else "conform"
                save_verdict(answer, verdict=verdict, reason=None, comment="finding",
                             change_request=None, revision=0, actor=consultant)
        complete_pre_audit(assessment, signed_by_name="Eva", signed_on=date.today(),
                           actor=consultant)
        db.session.commit()
    signed = to(smtp_server, people["manager"])[-1]
    assert "pré-audit" in signed["Subject"]

    with app.app_context():
        action = db.session.scalar(select(CorrectiveAction))
        complete_action(action, closure_note="procedure rewritten", evidence=[],
                        actor=user(people["manager"]))
        db.session.commit()
    done = to(smtp_server, people["consultant"])[-1]
    assert "ORG-02" in done["Subject"] and "procedure rewritten" in text_of(done)

    with app.app_context():
        verify_action(db.session.scalar(select(CorrectiveAction)),
                      actor=user(people["consultant"]))
        db.session.commit()
    verified = to(smtp_server, people["manager"])[-1]
    assert "ORG-02" in verified["Subject"] and verified["Content-Language"] == "fr"

    # consultant: submitted ×2, action done; manager: sent back, signed off, verified
    assert len(to(smtp_server, people["consultant"])) == 3
    assert len(to(smtp_server, people["manager"])) == 3
    assert len(smtp_server.messages) == 6  # nobody else: not the contributor, not staff
    with app.app_context():
        rows = db.session.scalars(select(SentNotification)).all()
        assert len(rows) == 6 and all(r.emailed_at is not None for r in rows)
        assert db.session.scalar(select(func.count(Notice.id))) == 6


def test_the_same_event_announced_twice_notifies_once(app, people, assessments, smtp_server):
    submit(app, people, assessments["a"])
    with app.app_context():
        assessment = db.session.get(Assessment, assessments["a"])
        assessment_transitioned.send(assessment, transition="submit",
                                     actor=user(people["manager"]), reason=None)
        db.session.commit()
    assert len(smtp_server.messages) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(SentNotification.id))) == 1


def test_a_rolled_back_change_notifies_no_one(app, people, assessments, smtp_server):
    with app.app_context():
        assessment = db.session.get(Assessment, assessments["a"])
        manager = user(people["manager"])
        answer_all(assessment, manager)
        submit_assessment(assessment, actor=manager)
        db.session.rollback()
        db.session.commit()
    assert smtp_server.messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count(SentNotification.id))) == 0


def test_a_kind_switched_off_keeps_the_notice_but_sends_no_e_mail(app, client, people,
                                                                  assessments, smtp_server):
    login(client, people["consultant"])
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'value="assessment_submitted"' in page and 'value="pre_audit_signed"' not in page
    post(client, "/account/notifications", {"kind": ["action_done"]})
    assert 'value="assessment_submitted" checked' not in \
        client.get("/account/notifications").get_data(as_text=True)
    submit(app, people, assessments["a"])
    assert smtp_server.messages == []
    notices = client.get("/notices/").get_data(as_text=True)
    assert "submitted the self-assessment of Workshop MEM-A" in notices
    with app.app_context():
        row = db.session.scalar(select(SentNotification))
        assert row.wants_email is False and row.emailed_at is None


def test_a_mail_server_that_is_down_does_not_undo_the_change(app, people, assessments,
                                                             monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    from tests.conftest import free_port
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there
    submit(app, people, assessments["a"])
    with app.app_context():
        assert db.session.get(Assessment, assessments["a"]).state == "submitted"
        row = db.session.scalar(select(SentNotification))
        assert row.wants_email and row.emailed_at is None  # not marked as e-mailed


def test_the_campaign_is_named_in_each_recipients_language(app, people, assessments,
                                                           languages, smtp_server):
    """The consultant reads Dutch, the manager French: each sees the campaign's title in
    their language (the title given first where theirs is missing)."""
    with app.app_context():
        campaign = db.session.get(Assessment, assessments["a"]).campaign
        campaign.title_fr, campaign.title_nl = "Autoévaluation 2026", "Zelfevaluatie 2026"
        db.session.commit()
    submit(app, people, assessments["a"])
    [submitted] = to(smtp_server, people["consultant"])
    assert "Zelfevaluatie 2026" in submitted["Subject"] + text_of(submitted)
    assert "Autoévaluation 2026" not in text_of(submitted)
    with app.app_context():
        return_assessment(db.session.get(Assessment, assessments["a"]), reason="à compléter",
                          actor=user(people["consultant"]))
        db.session.commit()
        manager_id = user(people["manager"]).id
        notice = db.session.scalar(select(Notice.text).where(Notice.user_id == manager_id))
    [sent_back] = to(smtp_server, people["manager"])
    assert "Autoévaluation 2026" in text_of(sent_back) and "Autoévaluation 2026" in notice
    assert "Zelfevaluatie 2026" not in text_of(sent_back)
