"""The demo moves DEMO-A to manual 2026.2 with its answers carried over; DEMO-B stays in
its campaign on 2026.1."""

from sqlalchemy import select

from compliance.assessments.models import Assessment
from compliance.audit import AuditEvent
from compliance.demo import CAMPAIGN_TITLE, EARLIER_TITLE, NEW_VERSION_TITLE
from compliance.extensions import db
from tests.conftest import login


def assessments_by_campaign(code):
    return {a.campaign.title: a for a in db.session.scalars(select(Assessment))
            if a.member.code == code}


def test_demo_a_moves_to_2026_2_with_its_answers_carried(app, runner, client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        a = assessments_by_campaign("DEMO-A")
        old, new = a[CAMPAIGN_TITLE], a[NEW_VERSION_TITLE]
        assert (old.campaign.manual_version.version, new.campaign.manual_version.version) == (
            "2026.1", "2026.2")
        assert new.previous_id == old.id and old.state == "in_progress"
        answered_before = [x for x in old.answers if x.status is not None]
        carried = [x for x in new.answers if x.to_confirm]
        assert answered_before and carried
        assert all(x.status is not None and not x.answered for x in carried)
        merged = [x for x in carried if len(x.carried_from) > 1]
        assert merged  # 2026.2 merges overlapping 2026.1 requirements
        # every old answer lives on in a carried answer (2026.2 removes no key)
        sources = {s["key"] for x in carried for s in x.carried_from}
        assert sources == {x.requirement_key for x in answered_before}
        assert sum(len(x.evidence_links) for x in new.answers) > 0
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "assessment.created", AuditEvent.assessment_id == new.id))
        assert (event.after["carried"], event.after["merged"]) == (len(carried), len(merged))
        b = assessments_by_campaign("DEMO-B")
        # DEMO-B stays on 2026.1: last year's campaign and this one, both pre-audited
        assert sorted(b) == [EARLIER_TITLE, CAMPAIGN_TITLE]
        assert b[CAMPAIGN_TITLE].state == "pre_audited"
        new_id = new.id
    login(client, "manager.a@demo.example", "demo password 123")
    page = client.get(f"/assessments/{new_id}").get_data(as_text=True)
    assert f"{len(carried)} overgenomen, te bevestigen" in page  # An works in Dutch
