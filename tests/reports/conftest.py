"""A pre-audited assessment to report on, built with the real services.

MEM-A (orthoses, employees) answers ORG-01 compliant with a linked evidence file and a
comment, ORG-02 partially compliant, MGT-01 compliant; MGT-02 does not apply to it. Its
consultant finds ORG-01 conform, ORG-02 a minor non-conformity and MGT-01 a major one,
and signs off 40 days ago: the major action (due 30 days after) is overdue.

Scores: self (3·1 + 1·0.5 + 3·1) / 7 = 92.9; consultant (3·1 + 1·0.5 + 3·0) / 7 = 50.0.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from compliance.assessments.models import Assessment
from compliance.assessments.services import link_evidence, save_answer, submit_assessment
from compliance.auth.models import User
from compliance.evidence.services import upload_evidence
from compliance.extensions import db
from compliance.reviews.services import complete_pre_audit, save_verdict
from tests import factories

STATUSES = {"ORG-01": "compliant", "ORG-02": "partial", "MGT-01": "compliant"}
COMMENTS = {"ORG-01": "Désignation signée par la gérante.", "ORG-02": None, "MGT-01": None}
VERDICTS = {"ORG-01": ("conform", None),
            "ORG-02": ("minor_nc", "Organigramme incomplet pour l'atelier."),
            "MGT-01": ("major_nc", "Aucune revue de direction en 2025.")}
EVIDENCE_BYTES = factories.pdf_bytes("designation")
SIGNED_ON = date.today() - timedelta(days=40)


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def answer_and_submit(assessment: Assessment, manager: User) -> None:
    evidence = upload_evidence(assessment.member, filename="designation-prrc.pdf",
                               stream=io.BytesIO(EVIDENCE_BYTES), title="Désignation du PRRC",
                               document_date=date(2026, 1, 10), expiry_date=None,
                               version_note=None, actor=manager)
    for answer in assessment.answers:
        if answer.included:
            save_answer(answer, status=STATUSES[answer.requirement_key], justification=None,
                        comment=COMMENTS[answer.requirement_key], revision=answer.revision,
                        actor=manager)
            if answer.requirement_key == "ORG-01":
                link_evidence(answer, evidence, actor=manager)
    submit_assessment(assessment, actor=manager)


def give_verdicts(assessment: Assessment, consultant: User) -> None:
    for answer in assessment.answers:
        if answer.included:
            verdict, comment = VERDICTS[answer.requirement_key]
            save_verdict(answer, verdict=verdict, reason=None, comment=comment,
                         change_request=None, revision=None, actor=consultant)


@pytest.fixture
def reviewed(app, people, assessments):
    """MEM-A's assessment submitted and given every verdict, not signed off yet."""
    with app.app_context():
        assessment = db.session.get(Assessment, assessments["a"])
        answer_and_submit(assessment, user(people["manager"]))
        give_verdicts(assessment, user(people["consultant"]))
        db.session.commit()
    return assessments


@pytest.fixture
def audited(app, people, reviewed):
    """The same, with the pre-audit completed."""
    with app.app_context():
        assessment = db.session.get(Assessment, reviewed["a"])
        complete_pre_audit(assessment, signed_by_name="Eva Janssens", signed_on=SIGNED_ON,
                           actor=user(people["consultant"]))
        db.session.commit()
    return reviewed
