"""The demo association with a self-assessment of DEMO-B just submitted, not reviewed yet:
answered as the demo answers DEMO-B's (every requirement; compliant, partially, not
compliant and not applicable in the demo's cycle; a file on every fifth answer), on the
manual version of DEMO-B's campaign, or on another one. The review pages are measured and
driven on it (the demo's own DEMO-B assessment is already signed off)."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from compliance import clock
from compliance.assessments.models import Assessment
from compliance.assessments.services import link_evidence, save_answer, submit_assessment
from compliance.auth.models import User
from compliance.campaigns.models import Campaign
from compliance.campaigns.services import create_campaign
from compliance.demo import CAMPAIGN_TITLE, load_demo
from compliance.evidence.services import upload_evidence
from compliance.extensions import db
from compliance.manual.models import ManualVersion
from compliance.members.models import Member
from tests import factories

PASSWORD = "demo password for browser tests"
#: The demo's cycle of DEMO-B's answers (compliance.demo), a file on every fifth.
STATUSES = ("compliant", "compliant", "partial", "compliant", "not_compliant", "compliant",
            "not_applicable")
TEXTS = {"partial": "Suivi lors de la réunion qualité.",
         "not_applicable": "Aucune activité de ce type dans notre atelier."}


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def demo_b_submitted(app, *, newest: bool = False, everything: bool = False,  # noqa: ANN001
                     load: bool = True) -> int:
    """Load the demo (unless it is), and give DEMO-B a new self-assessment answered and
    submitted like its demo one; on the newest manual version with ``newest``, every
    requirement included with ``everything`` (the heaviest review page). Its id."""
    with app.app_context():
        if load:
            load_demo(PASSWORD)
        member = db.session.scalar(select(Member).where(Member.code == "DEMO-B"))
        version = db.session.scalar(select(ManualVersion).order_by(ManualVersion.id.desc())) \
            if newest else db.session.scalar(select(Campaign).where(
                Campaign.title == CAMPAIGN_TITLE)).manual_version
        campaign = create_campaign(
            title=f"DEMO-B review {version.version}", manual_version=version,
            due_date=clock.today() + timedelta(days=30), mode="members",
            values=[str(member.id)], carry_over=False, actor=user("staff@demo.example"))
        (assessment,) = campaign.assessments
        if everything:
            for answer in assessment.answers:
                answer.included = True
        _answer(assessment, user("manager.b@demo.example"))
        db.session.commit()
        return assessment.id


def _answer(assessment: Assessment, manager: User) -> None:
    files = [upload_evidence(assessment.member, filename=f"preuve-{i}.pdf",
                             stream=io.BytesIO(factories.pdf_bytes(f"preuve {i}")),
                             title=f"Preuve {i}", document_date=None, expiry_date=None,
                             version_note=None, actor=manager) for i in range(3)]
    for i, answer in enumerate(a for a in assessment.answers if a.included):
        status = STATUSES[i % len(STATUSES)]
        save_answer(answer, status=status, revision=answer.revision, actor=manager,
                    justification=TEXTS["not_applicable"] if status == "not_applicable"
                    else None, comment=TEXTS["partial"] if status == "partial" else None)
        if i % 5 == 0:
            link_evidence(answer, files[i // 5 % len(files)], actor=manager)
    submit_assessment(assessment, actor=manager)
