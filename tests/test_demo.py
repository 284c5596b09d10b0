"""compliance demo: loads everything once, then changes nothing."""

from sqlalchemy import func, select

from compliance.auth.models import User
from compliance.manual.models import ManualVersion, Requirement
from compliance.members.models import Member
from tests.conftest import login


def counts(app):
    with app.app_context():
        from compliance.extensions import db
        return tuple(db.session.scalar(select(func.count()).select_from(m))
                     for m in (ManualVersion, Requirement, Member, User))


def test_demo_is_idempotent_and_prints_the_accounts(app, runner, client, monkeypatch,
                                                    caplog):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    caplog.set_level("WARNING", logger="compliance.mail")
    first = runner.invoke(args=["demo"])
    assert not caplog.records  # the story's notifications, written to the outbox quietly
    assert first.exit_code == 0, first.output
    assert "Demo accounts (password for all: demo password 123)" in first.output
    for email in ("manager.a@demo.example", "manager.b@demo.example", "consultant@demo.example",
                  "staff@demo.example"):
        assert email in first.output
    loaded = counts(app)
    # manual 2026.1 and 2026.2 beside each other
    assert loaded[0] == 2 and loaded[1] >= 80 and loaded[2] == 3 and loaded[3] >= 7
    second = runner.invoke(args=["demo"])
    assert "already loaded; nothing changed" in second.output
    assert counts(app) == loaded
    assert login(client, "staff@demo.example", "demo password 123").status_code == 302


def test_demo_members_have_different_profiles_and_a_shared_consultant(app, runner, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    runner.invoke(args=["demo"])
    with app.app_context():
        from compliance.extensions import db
        a, b, c = db.session.scalars(select(Member).order_by(Member.code)).all()
        assert (a.code, b.code, c.code) == ("DEMO-A", "DEMO-B", "DEMO-C")
        assert len({frozenset(m.activities) for m in (a, b, c)}) == 3
        assert len({m.region for m in (a, b, c)}) == 3
        consultant = db.session.scalar(
            select(User).where(User.email == "consultant@demo.example"))
        assert sorted(m.code for m in consultant.assigned_members) == [
            "DEMO-A", "DEMO-B", "DEMO-C"]
        roles = {u.role for u in a.users}
        assert roles == {"member_manager", "member_contributor"}


def test_demo_if_empty_leaves_a_database_with_data_alone(app, runner, people):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "already holds data: demo not loaded" in result.output
    assert counts(app)[2] == 2  # the two members of `people`, no demo members


def test_demo_password_is_generated_once_when_not_given(app, runner, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = runner.invoke(args=["demo", "--if-empty"]).output
    again = runner.invoke(args=["demo", "--if-empty"]).output
    password = first.split("password for all: ")[1].split(")")[0]
    assert len(password) >= 10
    assert f"password for all: {password})" in again


def test_demo_tells_a_believable_history(app, runner, monkeypatch):
    """Dates in order (answered, submitted, reviewed, signed), findings as a consultant
    writes them (each its own), overdue actions left from last year's campaign, and an
    audit chain that still verifies after the history was told in the past."""
    from collections import Counter

    from compliance import clock
    from compliance.actions.models import CorrectiveAction
    from compliance.actions.workflow import UNFINISHED
    from compliance.assessments.models import Assessment
    from compliance.audit import AuditEvent, verify_chain
    from compliance.demo import EARLIER_TITLE
    from compliance.extensions import db
    from compliance.reviews.models import RequirementVerdict

    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        audited = [a for a in db.session.scalars(select(Assessment))
                   if a.state == "pre_audited"]
        assert {(a.member.code, a.campaign.title[-4:]) for a in audited} == {
            ("DEMO-A", "2025"), ("DEMO-B", "2025"), ("DEMO-B", "2026")}
        findings = []
        for a in audited:
            verdicts = [x.verdict for x in a.answers if x.verdict]
            reviewed = [v.updated_at for v in verdicts]
            assert a.submitted_at < min(reviewed) <= max(reviewed) < a.pre_audit.completed_at
            assert a.submitted_at.date() < a.pre_audit.signed_on <= clock.today()
            findings += [v.comment for v in verdicts if v.verdict not in ("conform",
                                                                           "not_applicable")]
            assert all(v.comment for v in verdicts if v.verdict.endswith("_nc"))
        repeated = [text for text, n in Counter(findings).items() if n > 1]
        assert len(findings) >= 30 and not repeated, repeated
        overdue = db.session.scalars(select(CorrectiveAction).where(
            CorrectiveAction.status.in_(UNFINISHED),
            CorrectiveAction.due_date < clock.today())).all()
        earlier = [x for x in overdue if x.assessment.campaign.title == EARLIER_TITLE]
        assert {x.member.code for x in earlier} == {"DEMO-A", "DEMO-B"}  # before DEMO-C
        assert all((clock.today() - x.due_date).days > 200 for x in earlier)
        times = db.session.scalars(select(AuditEvent.at).order_by(AuditEvent.id)).all()
        assert times == sorted(times) and times[0].date() < clock.today()
        assert verify_chain().ok
        assert db.session.scalar(select(func.count()).select_from(RequirementVerdict)) > 300


def test_the_demo_consultant_has_a_pre_audit_to_do(app, runner, client, monkeypatch):
    """DEMO-C joined this year, answered with evidence and submitted last week: the
    consultant's start page leads to its review, which is open for verdicts."""
    from compliance import clock
    from compliance.assessments.models import Assessment
    from compliance.extensions import db

    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        waiting = [a for a in db.session.scalars(select(Assessment))
                   if a.member.code == "DEMO-C"]
        assert [(a.campaign.title, a.state) for a in waiting] == [
            ("Self-assessment 2026", "submitted")]
        (assessment,) = waiting
        assert assessment.submitted_at.date() < clock.today()
        assert all(x.status for x in assessment.answers if x.included)
        assert any(x.evidence_links for x in assessment.answers if x.included)
        member_since = assessment.member.created_at
    assert login(client, "consultant@demo.example", "demo password 123").status_code == 302
    home = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    waiting = home[home.index('class="card to-review"'):]
    waiting = waiting[:waiting.index("</section>")]
    assert "1 zelfevaluatie wacht op een pre-audit" in waiting
    assert "DEMO-C" in waiting and "DEMO-A" not in waiting and "DEMO-B" not in waiting
    assert f'href="/reviews/{assessment.id}"' in waiting
    table = home[home.index("<tbody>"):]
    assert table.index(f'href="/assessments/{assessment.id}"') < table.index("</tr>")  # first
    review = client.get(f"/reviews/{assessment.id}").get_data(as_text=True)
    assert review.count("type=radio") > 100  # verdicts to give, none given yet
    assert "checked" not in review.split('class=verdicts')[1][:2000]
    assert member_since.date() < assessment.campaign.created_at.date()
