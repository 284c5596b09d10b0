"""An assessment's history in sentences: every kind of event it records, through a whole
life (answered, carried over, confirmed, evidence, submitted, pre-audited, actions), told
in fr, nl and en with its values translated and no stored code left."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from compliance.actions.models import CorrectiveAction
from compliance.actions.services import complete_action, start_action, verify_action
from compliance.assessments.models import Assessment
from compliance.assessments.services import (
    confirm_answers,
    include_requirement,
    link_evidence,
    return_assessment,
    save_answer,
    submit_assessment,
    unlink_evidence,
)
from compliance.audit import AuditEvent
from compliance.auth.models import User
from compliance.evidence.services import upload_evidence
from compliance.extensions import db
from compliance.reviews.services import complete_pre_audit, reopen_pre_audit, save_verdict
from tests import factories
from tests.conftest import login

CODES = re.compile(r"\b(answer|evidence|assessment|verdict|pre_audit|action)\.[a-z_]+\b|"
                   r"\b(to_confirm|in_progress|in_pre_audit|pre_audited|not_compliant|"
                   r"not_applicable|partial|major_nc|minor_nc|True|False|None)\b")


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path / "evidence"))


def _people(emails):
    return {k: db.session.scalar(select(User).where(User.email == v)) for k, v in emails.items()}


@pytest.fixture
def lived(app, people, assessments):
    """MEM-A's assessment through every kind of event; returns the ids of both years."""
    with app.app_context():
        who = _people(people)
        first = db.session.get(Assessment, assessments["a"])
        answers = {a.requirement_key: a for a in first.answers}
        save_answer(answers["ORG-01"], status="partial", justification=None, comment="draft",
                    revision=answers["ORG-01"].revision, actor=who["manager"])
        save_answer(answers["ORG-01"], status="compliant", justification=None, comment="done",
                    revision=answers["ORG-01"].revision, actor=who["contributor"])
        include_requirement(answers["MGT-02"], justification="We make one implant",
                            actor=who["manager"])
        for key in ("ORG-02", "MGT-01", "MGT-02"):
            save_answer(answers[key], status="not_applicable" if key == "ORG-02" else
                        "compliant", justification="No staff" if key == "ORG-02" else None,
                        comment=None, revision=answers[key].revision, actor=who["manager"])
        evidence = upload_evidence(first.member, filename="prrc.pdf",
                                   stream=io.BytesIO(factories.pdf_bytes("prrc")),
                                   title="PRRC letter", document_date=None, expiry_date=None,
                                   version_note=None, actor=who["manager"])
        link_evidence(answers["ORG-01"], evidence, actor=who["manager"])
        link_evidence(answers["MGT-01"], evidence, actor=who["manager"])
        unlink_evidence(answers["MGT-01"], evidence, actor=who["manager"])
        submit_assessment(first, actor=who["manager"])
        save_verdict(answers["ORG-01"], verdict="conform", reason=None, comment=None,
                     change_request=None, revision=None, actor=who["consultant"])
        return_assessment(first, reason="Say more about MGT-01", actor=who["consultant"])
        submit_assessment(first, actor=who["manager"])
        for key, verdict in (("ORG-01", "minor_nc"), ("ORG-02", "not_applicable"),
                             ("MGT-01", "major_nc"), ("MGT-02", "conform")):
            answer = answers[key]
            save_verdict(answer, verdict=verdict, revision=answer.verdict.revision
                         if answer.verdict else None, actor=who["consultant"],
                         reason="Confirmed" if verdict == "not_applicable" else None,
                         comment="Minutes missing" if verdict.endswith("_nc") else None,
                         change_request=None)
        complete_pre_audit(first, signed_by_name="Eva Consultant", signed_on=date.today(),
                           actor=who["consultant"])
        reopen_pre_audit(first, reason="New facts", actor=who["staff"])
        complete_pre_audit(first, signed_by_name="Eva Consultant", signed_on=date.today(),
                           actor=who["consultant"])
        actions = db.session.scalars(select(CorrectiveAction).order_by(
            CorrectiveAction.id)).all()
        start_action(actions[0], actor=who["manager"])
        complete_action(actions[0], closure_note="Minutes written", evidence=[],
                        actor=who["manager"])
        verify_action(actions[0], actor=who["consultant"])
        second = factories.campaign(first.campaign.manual_version, title="Campaign 2027",
                                    carry_over=True,
                                    due_date=date.today() + timedelta(days=60))
        newest = next(a for a in second.assessments if a.member_id == first.member_id)
        confirm_answers(newest, list(newest.answers), actor=who["manager"])
        db.session.commit()
        kinds = set(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.assessment_id.in_([first.id, newest.id]))))
        return {"first": first.id, "second": newest.id, "kinds": kinds}


def history_text(client, assessment_id: int, language: str) -> str:
    page = client.get(f"/assessments/{assessment_id}/history",
                      headers={"Accept-Language": language}).get_data(as_text=True)
    main = page[page.index('<ol class="history-lines">'):page.index("</ol>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", main)))


def test_every_kind_of_event_is_lived(lived):
    assert {"answer.saved", "answer.confirmed", "answer.included", "evidence.linked",
            "evidence.unlinked", "assessment.created", "assessment.state", "verdict.saved",
            "pre_audit.completed", "pre_audit.reopened", "action.opened", "action.started",
            "action.done", "action.verified"} <= lived["kinds"]


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_history_reads_as_sentences_in_each_language(app, client, people, lived,
                                                         language):
    login(client, people["manager"])
    with app.app_context():
        db.session.scalar(select(User).where(User.email == people["manager"])).locale = None
        db.session.commit()
    text = history_text(client, lived["first"], language) + \
        history_text(client, lived["second"], language)
    assert not CODES.search(text), CODES.search(text)
    expected = {
        "en": ["Contributor changed the answer to ORG-01 from “Partially compliant” to "
               "“Compliant”.", "Manager took MGT-02 into the assessment.",
               "Manager added “PRRC letter” to the evidence of ORG-01.",
               "Manager took “PRRC letter” off the evidence of MGT-01; the file is kept.",
               "Consultant sent the assessment back for changes.",
               "Reason: “Say more about MGT-01”",
               "Consultant changed the verdict on ORG-01 from “Conform” to “Minor "
               "non-conformity”.", "Staff reopened the pre-audit.",
               "Consultant verified the corrective action on",
               "Manager confirmed the carried-over answer to ORG-01: “Compliant”."],
        "fr": ["Contributor a changé la réponse à ORG-01 de « Partiellement conforme » en "
               "« Conforme ».", "Manager a soumis l'auto-évaluation.",
               "Staff a rouvert le pré-audit.", "Commentaire : « done »"],
        "nl": ["Contributor heeft het antwoord op ORG-01 gewijzigd van ‘Gedeeltelijk conform’ "
               "naar ‘Conform’.", "Manager heeft de zelfevaluatie ingediend.",
               "Manager heeft het overgenomen antwoord op ORG-01 bevestigd: ‘Conform’."],
    }[language]
    for sentence in expected:
        assert sentence in text, sentence


def test_dates_have_one_format_per_language(app):
    from flask_babel import force_locale, format_date, format_datetime

    from compliance.db import utcnow

    moment = utcnow().replace(year=2026, month=3, day=12, hour=13, minute=5)
    with app.test_request_context():
        for language, day in (("en", "12 Mar 2026"), ("nl", "12 mrt 2026"),
                              ("fr", "12 mars 2026")):
            with force_locale(language):
                assert format_date(moment.date()) == day
                assert format_date(moment.date(), "medium") == day
                assert format_datetime(moment, "short").startswith(f"{day}, ")
