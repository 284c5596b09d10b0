"""Issue 15's done-when, in browsers (headless Chromium, no JavaScript, English): a
member manager makes a token with the scopes "evidence" and "devices" in the browser;
the example client posts two device statements (one incomplete) and a file with it; the
register shows them; the requirement about statements shows the register's figures on
the member's checklist, and, once the assessment is submitted, on the consultant's
review page with the incomplete statement as a sample.

The manual is the test manual with ORG-01 citing Annex XIII §1 and the statement's
guidance (MDCG 2021-3 Q9), which makes it a requirement about statements
(compliance/devices/listeners.py)."""

from __future__ import annotations

import re
import shutil

from playwright.sync_api import expect

from tests import factories
from tests.api.test_example_client import load_example
from tests.conftest import DATA
from tests.e2e.test_pre_audit_journey import _browser_of

MANAGER = "manager@statements.example"
CONSULTANT = "consultant@statements.example"
ANSWERS = {"ORG-01": "compliant", "ORG-02": "partial", "MGT-01": "compliant"}


def _world(app, tmp_path) -> tuple[int, int]:
    """MEM-ST, its manager and consultant, and a campaign on a manual whose ORG-01 is
    about statements. Returns the member's and the assessment's ids."""
    manual = tmp_path / "manual"
    shutil.copytree(DATA / "manual-min", manual)
    chapter = manual / "a.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "      - MDR Art. 15(1)\n",
        "      - MDR Annex XIII §1\n      - MDCG 2021-3 Q9\n", 1), encoding="utf-8")
    with app.app_context():
        from compliance.extensions import db

        member = factories.member(code="MEM-ST", activities=["orthoses", "employees"])
        factories.user(MANAGER, "member_manager", member=member)
        factories.user(CONSULTANT, "consultant", assigned=[member])
        campaign = factories.campaign(factories.manual(manual))
        (assessment,) = campaign.assessments
        db.session.commit()
        return member.id, assessment.id


def _submit(app, assessment_id: int) -> None:
    from compliance.assessments.models import Assessment
    from compliance.assessments.services import save_answer, submit_assessment
    from compliance.extensions import db
    from compliance.users.models import User

    with app.app_context():
        manager = db.session.query(User).filter_by(email=MANAGER).one()
        assessment = db.session.get(Assessment, assessment_id)
        for answer in assessment.answers:
            if answer.included:
                save_answer(answer, status=ANSWERS[answer.requirement_key],
                            justification=None, comment=None, revision=answer.revision,
                            actor=manager)
        submit_assessment(assessment, actor=manager)
        db.session.commit()


def _make_token(page) -> str:
    page.get_by_role("link", name="API tokens").first.click()
    page.get_by_label("Name").fill("OrthoSoft workshop PC")
    page.get_by_label("evidence: upload evidence, mark corrective actions done").check()
    page.get_by_label("devices: send device statements").check()
    page.get_by_role("button", name="Make the token").click()
    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("mdr_")
    return secret


def test_statements_sent_by_the_example_reach_register_checklist_and_review(
        app, browser, live_server, tmp_path, capsys):
    member_id, assessment_id = _world(app, tmp_path)
    letter = tmp_path / "prrc-letter.pdf"
    letter.write_bytes(factories.pdf_bytes("PRRC designation letter"))
    example = load_example()
    with _browser_of(browser, live_server, MANAGER) as page:
        secret = _make_token(page)
        assert example.main(["--url", live_server, "--token", secret, "--language", "en",
                             "--upload", str(letter), "--title", "PRRC designation",
                             "--requirement", "ORG-01", "--statements"]) == 0
        out = capsys.readouterr().out
        assert "supports ORG-01" in out
        assert "Statements: 2 created, 0 updated, 0 unchanged, 1 incomplete" in out
        incomplete = re.search(r"Statement (EX-\S+) created \(incomplete", out).group(1)

        page.get_by_role("link", name="Statements").first.click()
        expect(page).to_have_url(re.compile(rf"/members/{member_id}/statements"))
        months = page.locator("table.register-months tbody tr").first
        expect(months.locator("td")).to_have_text(["2", "1", "1", "0"])
        expect(page.get_by_role("link", name=incomplete)).to_be_visible()

        page.goto(f"{live_server}/assessments/{assessment_id}/answers")
        org01 = page.locator("#ORG-01")
        expect(org01).to_contain_text("2 statements, 1 incomplete")
        expect(org01).not_to_contain_text(incomplete)  # the sample is the consultant's
        expect(page.locator("#ORG-02")).not_to_contain_text("statements register")

    _submit(app, assessment_id)
    with _browser_of(browser, live_server, CONSULTANT) as page:
        page.goto(f"{live_server}/reviews/{assessment_id}")
        org01 = page.locator("#ORG-01")
        expect(org01).to_contain_text("2 statements, 1 incomplete")
        expect(org01).to_contain_text(f"{incomplete} — Specific characteristics as prescribed")
        org01.get_by_role("link", name=incomplete).click()
        expect(page.locator("main")).to_contain_text("Specific characteristics as prescribed")
