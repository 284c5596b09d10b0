"""The consultant's fast review in Chromium without JavaScript: DEMO-B's submitted
self-assessment reviewed and signed off in a quarter of the clicks it took with one radio
and one Save per requirement; a request asked by the consultant and answered by the
member; and every page a consultant sees fits a 1,280 px and a 390 px window."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask import url_for
from playwright.sync_api import expect
from sqlalchemy import func, select

from compliance.assessments.models import Answer, Assessment
from compliance.audit import AuditEvent
from compliance.extensions import db
from compliance.requests_.models import MemberRequest
from compliance.requests_.services import ask
from tests import factories
from tests.e2e.conftest import page_widths
from tests.e2e.test_narrow_screens import pages  # noqa: F401  (the fixture)
from tests.reviews.review_world import PASSWORD, demo_b_submitted, user

CONSULTANT = "consultant@demo.example"
MANAGER_B = "manager.b@demo.example"
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@contextmanager
def browser_of(browser, live_server: str, email: str, password: str = PASSWORD,
               viewport: dict | None = None, locale: str = "en-GB"):
    context = browser.new_context(locale=locale, java_script_enabled=False,
                                  viewport=viewport or WIDE)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.locator("main form[action='/login'] button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/login"))
        yield page
    finally:
        context.close()


class Clicks:
    """Counts what the consultant presses: a button, a link, a box, or a text box to
    type in (typing itself is not a click)."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator) -> None:  # noqa: ANN001
        self.count += 1
        locator.click()

    def type_in(self, locator, text: str) -> None:  # noqa: ANN001
        self.count += 1
        locator.click()
        locator.fill(text)


def test_demo_b_is_reviewed_in_a_quarter_of_the_clicks(app, live_server, browser):
    assessment_id = demo_b_submitted(app)
    with app.app_context():
        answers = db.session.scalars(select(Answer).where(
            Answer.assessment_id == assessment_id, Answer.included.is_(True))).all()
        statuses = {a.requirement_key: a.status for a in answers}
    before = 2 * len(statuses) + 1  # a radio and a Save per requirement, then sign
    review = f"/reviews/{assessment_id}"
    clicks = Clicks()
    with browser_of(browser, live_server, CONSULTANT) as page:
        page.goto(f"{live_server}{review}")
        size = page.evaluate("document.documentElement.outerHTML.length")
        assert size <= 250 * 1024, size
        clicks.click(page.get_by_role("button", name=re.compile(
            "Accept every remaining requirement answered compliant with evidence")))
        expect(page.locator(".flash-success")).to_contain_text(re.compile(r"\d+ verdicts saved"))
        clicks.click(page.get_by_role("link", name=re.compile("Tick “Accept the answer”")))
        expect(page.locator("input[name=accept]:checked")).not_to_have_count(0)
        for key, status in statuses.items():  # the member's gaps need the consultant's words
            if status in ("partial", "not_compliant"):
                clicks.type_in(page.locator(f"section#{key} textarea[name^=f-]"),
                               f"{key}: aucune trace écrite du contrôle, deux dossiers vus.")
        clicks.click(page.get_by_role("button", name="Save the verdicts"))
        expect(page.locator(".flash-success")).to_contain_text("verdicts saved")
        expect(page.locator("#complete ul.missing")).to_have_count(0)
        clicks.click(page.get_by_role("button", name="Sign and complete"))
        expect(page.locator(".flash-success")).to_contain_text("Pre-audit completed")
    print(f"\nDEMO-B ({len(statuses)} requirements): {before} clicks before, "
          f"{clicks.count} now")
    assert clicks.count * 4 <= before
    with app.app_context():
        assert db.session.get(Assessment, assessment_id).state == "pre_audited"
        saved = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "verdict.saved", AuditEvent.assessment_id == assessment_id))
        assert saved == len(statuses)  # each verdict its own event


def test_a_request_asked_by_the_consultant_is_answered_by_the_member(
        app, live_server, browser, tmp_path):
    assessment_id = demo_b_submitted(app)
    question = "Envoyez la désignation signée de votre PRRC, s'il vous plaît."
    with browser_of(browser, live_server, CONSULTANT) as page:
        page.goto(f"{live_server}/reviews/{assessment_id}")
        row = page.locator("section.requirement").first
        key = row.get_attribute("id")
        row.get_by_role("link", name="Ask the member").click()
        expect(page.locator("h1")).to_contain_text(key)
        page.get_by_label("Your question to the member").fill(question)
        page.get_by_label("Blocks the sign-off until it is closed").check()
        page.get_by_role("button", name="Send the request").click()
        expect(page).to_have_url(re.compile(rf"/reviews/{assessment_id}#{key}$"))
        expect(page.locator(".flash-success")).to_contain_text(f"Request sent to the member "
                                                               f"on {key}")
        expect(page.locator("#requests")).to_contain_text(key)
        expect(page.locator(f"section#{key} .badge-request")).to_have_text(
            "Waiting for the member")
    evidence = tmp_path / "designation-prrc.pdf"
    evidence.write_bytes(factories.pdf_bytes("Désignation du PRRC"))
    with browser_of(browser, live_server, MANAGER_B, locale="fr-BE") as page:
        panel = page.locator("#requests")
        expect(panel).to_contain_text("Votre consultant demande")
        panel.get_by_role("link", name=re.compile(key)).click()
        expect(page.locator("main")).to_contain_text(question)
        page.get_by_label("Votre réponse").fill("Voici la désignation signée le 2 mars.")
        page.set_input_files("input[type=file][name=files]", str(evidence))
        page.get_by_role("button", name="Envoyer la réponse").click()
        expect(page.locator(".flash-success")).to_contain_text("envoyée au consultant")
        page.goto(f"{live_server}/")
        expect(page.locator("#requests")).to_have_count(0)  # nothing left to answer
    with browser_of(browser, live_server, CONSULTANT) as page:
        panel = page.locator("#requests")
        expect(panel).to_contain_text("Answers to your requests")
        panel.get_by_role("link", name=re.compile(key)).click()
        expect(page.locator("main")).to_contain_text("Voici la désignation signée le 2 mars.")
        expect(page.locator("main")).to_contain_text("designation-prrc.pdf")
        page.get_by_role("button", name="Close: I have what I needed").click()
        expect(page.locator(".flash-success")).to_contain_text("Request closed.")
    with app.app_context():
        request = db.session.scalars(select(MemberRequest)).one()
        assert request.state == "closed" and request.files
        told = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("request.%")).order_by(AuditEvent.id)).all()
        assert told == ["request.asked", "request.answered", "request.closed"]


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_every_page_a_consultant_sees_fits_the_window(app, live_server, browser,
                                                      pages, viewport):  # noqa: F811
    """The pages of the application (the narrow-screen test's list), and the review of a
    submitted assessment with its bulk choices ticked, a request and its asking page."""
    submitted = demo_b_submitted(app, load=False)
    with app.app_context():
        answer = db.session.scalars(select(Answer).where(
            Answer.assessment_id == submitted, Answer.included.is_(True))).first()
        request = ask(answer, kind="document", question="Envoyez " + "le registre " * 40,
                      blocks_sign_off=True, actor=user(CONSULTANT))
        db.session.commit()
        with app.test_request_context():
            extra = [url_for("reviews.review", assessment_id=submitted),
                     url_for("reviews.review", assessment_id=submitted, tick="remaining"),
                     url_for("reviews.review", assessment_id=submitted, chapter="ORG"),
                     url_for("requests_.ask", answer_id=answer.id),
                     url_for("requests_.show", request_id=request.id)]
    with browser_of(browser, live_server, CONSULTANT, viewport=viewport,
                    locale="fr-BE") as page:
        seen, too_wide = page_widths(page, live_server, [*pages, *extra], viewport["width"])
    assert set(extra) <= set(seen) and len(seen) >= 15, seen
    assert not too_wide, f"wider than {viewport['width']} px: {too_wide}"


def test_j_and_k_move_between_requirements(app, live_server, browser):
    """With the page's little script: j and k go to the next and previous requirement
    (without it, each row's key is an anchor and the links do the same)."""
    assessment_id = demo_b_submitted(app)
    context = browser.new_context(locale="en-GB", viewport=WIDE)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", CONSULTANT)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form[action='/login'] button[type=submit]").click()
        page.goto(f"{live_server}/reviews/{assessment_id}")
        keys = page.locator("section.requirement").evaluate_all(
            "rows => rows.map(row => row.id)")
        page.locator("body").press("j")
        expect(page).to_have_url(re.compile(rf"#{keys[0]}$"))
        page.locator("body").press("j")
        expect(page).to_have_url(re.compile(rf"#{keys[1]}$"))
        page.locator("body").press("k")
        expect(page).to_have_url(re.compile(rf"#{keys[0]}$"))
        page.locator(f"section#{keys[0]} textarea").first.press("j")  # typing stays typing
        expect(page).to_have_url(re.compile(rf"#{keys[0]}$"))
    finally:
        context.close()
