"""The demo association, one year on: DEMO-A's 2026 assessment completed, submitted and
pre-audited (corrective actions opened), and a 2027 campaign that carries DEMO-A's
answers over, to confirm. The starting point of the member's journey in Dutch."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from compliance import clock
from compliance.actions.models import CorrectiveAction
from compliance.assessments.models import Assessment
from compliance.assessments.services import save_answer, submit_assessment
from compliance.auth.models import User
from compliance.campaigns.models import Campaign
from compliance.campaigns.services import create_campaign
from compliance.demo import CAMPAIGN_TITLE, load_demo
from compliance.extensions import db
from compliance.members.models import Member
from compliance.reviews.services import complete_pre_audit, save_verdict

PASSWORD = "demo password for browser tests"
NEXT_CAMPAIGN = "Self-assessment 2027"
VERDICTS = ("conform", "conform", "observation", "minor_nc", "conform", "major_nc")


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _pre_audit(assessment: Assessment, consultant: User) -> None:
    for i, answer in enumerate(a for a in assessment.answers if a.included):
        verdict = "not_applicable" if answer.status == "not_applicable" \
            else VERDICTS[i % len(VERDICTS)]
        save_verdict(answer, verdict=verdict, revision=None, actor=consultant,
                     reason="Bevestigd." if verdict == "not_applicable" else None,
                     comment="Verslag ontbreekt." if verdict.endswith("_nc") else None,
                     change_request=None)
    complete_pre_audit(assessment, signed_by_name=consultant.name,
                       signed_on=clock.today() - timedelta(days=5), actor=consultant)


def demo_one_year_on(app) -> dict[str, int]:  # noqa: ANN001
    """Load it; returns the ids of the 2026 and 2027 assessments of DEMO-A and of one
    open corrective action of DEMO-A."""
    with app.app_context():
        load_demo(PASSWORD)
        manager = _user("manager.a@demo.example")
        member = db.session.scalar(select(Member).where(Member.code == "DEMO-A"))
        first = db.session.scalar(select(Assessment).join(Campaign).where(
            Assessment.member_id == member.id, Campaign.title == CAMPAIGN_TITLE))
        for answer in first.answers:
            if answer.included and answer.status is None:
                save_answer(answer, status="compliant", justification=None, comment=None,
                            revision=answer.revision, actor=manager)
        submit_assessment(first, actor=manager)
        _pre_audit(first, _user("consultant@demo.example"))
        version = first.campaign.manual_version
        campaign = create_campaign(title=NEXT_CAMPAIGN, manual_version=version,
                                   due_date=clock.today() + timedelta(days=60), mode="all",
                                   values=[], carry_over=True,
                                   actor=_user("staff@demo.example"))
        second = next(a for a in campaign.assessments if a.member_id == member.id)
        action = db.session.scalar(select(CorrectiveAction).where(
            CorrectiveAction.assessment_id == first.id).order_by(CorrectiveAction.id))
        db.session.commit()
        return {"first": first.id, "second": second.id, "action": action.id,
                "member": member.id}
