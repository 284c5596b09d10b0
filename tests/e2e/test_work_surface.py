"""The member's work surface in Chromium, in Dutch, on the demo one year on (see
demo_world.py): nothing typed is lost, feedback where the user is, carried-over answers
confirmed in one step, proof for a corrective action after the pre-audit, and the
whole journey's clicks counted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from compliance.assessments.models import Answer
from compliance.audit import AuditEvent
from compliance.extensions import db
from tests import factories
from tests.e2e.demo_world import PASSWORD, demo_one_year_on

MANAGER = "manager.a@demo.example"
# The same journey before this change (the code of commit fac72dd, in Chromium with
# JavaScript): open the assessment, then the checklist (2); "Opslaan" on each of the 112
# carried-over answers of DEMO-A (112); a file uploaded on a row before submitting, as
# after it there was no upload anywhere ("add evidence", the file, "upload": 3); back to
# the overview and submit (2); the actions, the action, the file ticked, "done" (4).
CARRIED_OVER = 112
CLICKS_BEFORE = 2 + CARRIED_OVER + 3 + 2 + 4


@pytest.fixture
def world(app, db):
    return demo_one_year_on(app)


class Clicks:
    """Counts what the person clicks (typing is not counted)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def check(self, locator) -> None:
        self.count += 1
        locator.check()

    def choose_file(self, locator, path) -> None:
        self.count += 1  # the file chooser
        locator.set_input_files(str(path))


def log_in(page, live_server: str, email: str = MANAGER) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form[action='/login'] button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def in_view(page, selector: str) -> bool:
    page.wait_for_load_state("load")
    box = page.evaluate("""(selector) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        return [box.top, box.bottom, window.innerHeight, window.scrollY]; }""", selector)
    return box[1] > 0 and box[0] < box[2]


def count_events(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == action))


def test_the_member_journey_in_dutch_takes_at_most_half_the_clicks(app, world, live_server,
                                                                   browser, tmp_path):
    with app.app_context():
        to_confirm = db.session.scalar(select(func.count(Answer.id)).where(
            Answer.assessment_id == world["second"], Answer.to_confirm.is_(True)))
    assert to_confirm >= CARRIED_OVER  # the demo's manual may have grown since
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    log_in(page, live_server)
    clicks = Clicks(page)
    overview = f"/assessments/{world['second']}"

    clicks.click(page.locator(f"main a[href='{overview}']").first)
    expect(page).to_have_url(f"{live_server}{overview}")
    clicks.click(page.get_by_role("button", name="Alle overgenomen antwoorden bevestigen"))
    expect(page.locator(".flash-success")).to_contain_text("antwoorden bevestigd")
    clicks.click(page.get_by_role("button", name="De zelfevaluatie indienen"))
    expect(page.locator(".state")).to_have_class(re.compile(r"\bstate-submitted\b"))

    proof = tmp_path / "verslag-directiebeoordeling.pdf"
    proof.write_bytes(factories.pdf_bytes("Verslag van de directiebeoordeling 2027"))
    clicks.click(page.locator("details.menu nav a[href='/actions/']"))
    action = f"/actions/{world['action']}"
    clicks.click(page.locator(f"main a[href='{action}']").first)
    done = page.locator(f"form[action='{action}/done']")
    done.locator("textarea[name=closure_note]").fill("Procedure aangepast en opgeleid.")
    clicks.choose_file(done.locator("input[name=files]"), proof)
    clicks.click(done.get_by_role("button", name="Als uitgevoerd markeren"))
    expect(page.locator(".title-row .action-status")).to_have_text("Uitgevoerd, te verifiëren")
    expect(page.locator("dl.facts")).to_contain_text("verslag-directiebeoordeling")

    print(f"\nclicks of the member journey in nl: {clicks.count} (before: {CLICKS_BEFORE})")
    assert clicks.count * 2 <= CLICKS_BEFORE
    with app.app_context():
        assert db.session.scalar(select(func.count(Answer.id)).where(
            Answer.assessment_id == world["second"], Answer.to_confirm.is_(True))) == 0
    assert count_events(app, "answer.confirmed") == to_confirm  # each one audited
    context.close()


def test_nothing_typed_is_lost_when_a_file_goes_with_the_answer(app, world, live_server,
                                                                browser, tmp_path):
    context = browser.new_context(locale="nl-BE")  # JavaScript on
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/assessments/{world['second']}/answers?chapter=ORG")
    row = page.locator("section.requirement.answer").first
    key = row.get_attribute("id")
    row.locator("input[name=status][value=partial]").check()
    row.locator("textarea[name=comment]").fill("Nog te ondertekenen door de zaakvoerder.")
    fake = tmp_path / "aanstelling.pdf"
    fake.write_bytes(b"this is not a PDF at all")
    row.locator("input[name=files]").set_input_files(str(fake))
    row.locator("button[value=save]").click()

    # Refused: everything typed is still there, the message at the file field, in view.
    row = page.locator(f"section#{key}")
    error = row.locator(".add-files .error")
    expect(error).to_contain_text("aanstelling.pdf")
    expect(row.locator("input[name=status][value=partial]")).to_be_checked()
    expect(row.locator("textarea[name=comment]")).to_have_value(
        "Nog te ondertekenen door de zaakvoerder.")
    assert in_view(page, f"section#{key} .add-files .error")
    expect(row.locator(".add-files .error")).to_have_css("color", "rgb(164, 38, 44)")

    real = tmp_path / "aanstelling-getekend.pdf"
    real.write_bytes(factories.pdf_bytes("Aanstelling PRRC, getekend"))
    row.locator("input[name=files]").set_input_files(str(real))
    row.locator("button[value=save]").click()
    row = page.locator(f"section#{key}")
    expect(row.locator(".flash-success")).to_contain_text(key)
    expect(row.locator("input[name=status][value=partial]")).to_be_checked()
    expect(row.locator("textarea[name=comment]")).to_have_value(
        "Nog te ondertekenen door de zaakvoerder.")
    expect(row.locator("ul.files")).to_contain_text("aanstelling-getekend.pdf")
    assert in_view(page, f"section#{key} .flash-success")
    context.close()


def test_a_save_shows_its_requirement_whatever_the_filter(app, world, live_server, page):
    """Without JavaScript: the filter "to confirm" is on; the answer saved leaves it, yet
    the page comes back at that requirement with its message, in view."""
    log_in(page, live_server)
    page.goto(f"{live_server}/assessments/{world['second']}/answers?show=to_confirm")
    rows = page.locator("section.requirement.answer")
    row = rows.nth(12)
    key = row.get_attribute("id")
    row.locator("textarea[name=comment]").fill("Nagekeken op 3 maart.")
    row.locator("button[value=save]").click()
    expect(page).to_have_url(re.compile(rf"show=to_confirm.*focus=\d+#{key}$"))
    row = page.locator(f"section#{key}")
    expect(row.locator(".flash-success")).to_contain_text(key)
    expect(row).to_contain_text("voldoet niet meer aan de filter")
    assert in_view(page, f"section#{key} .flash-success")
    # a progress line that follows: one more answered than before
    expect(page.locator("#progress-line")).to_contain_text("1 van")


def test_carried_over_answers_confirmed_by_chapter_and_by_selection(app, world, live_server,
                                                                   page):
    log_in(page, live_server)
    base = f"{live_server}/assessments/{world['second']}/answers"
    page.goto(f"{base}?chapter=ORG")
    in_chapter = page.locator("section.requirement.answer").count()
    page.get_by_role("button", name="De overgenomen antwoorden van dit hoofdstuk "
                                     "bevestigen").click()
    expect(page.locator(".flash-success")).to_contain_text(f"{in_chapter} antwoorden bevestigd")
    expect(page.locator(".toc .count[data-chapter]").first).to_have_text(
        f"{in_chapter}/{in_chapter}")
    assert count_events(app, "answer.confirmed") == in_chapter

    page.goto(f"{base}?chapter=RISK&show=to_confirm")
    rows = page.locator("section.requirement.answer")
    before = rows.count()
    picked = [rows.nth(0).get_attribute("id"), rows.nth(2).get_attribute("id")]
    for key in picked:
        page.locator(f"section#{key} input[name=answer][form=confirm]").check()
    page.get_by_role("button", name="De geselecteerde antwoorden bevestigen").click()
    expect(page.locator(".flash-success")).to_contain_text("2 antwoorden bevestigd")
    expect(page.locator("section.requirement.answer")).to_have_count(before - 2)
    for key in picked:
        expect(page.locator(f"section#{key}")).to_have_count(0)
    assert count_events(app, "answer.confirmed") == in_chapter + 2
