"""A member manager fills in and submits a self-assessment in Dutch, in a real browser:
first without JavaScript (every answer is its own form and the page reloads at the
requirement), then with JavaScript (static/assessment.js saves an answer in place)."""

import re

from playwright.sync_api import expect

from compliance.extensions import db
from tests import factories
from tests.conftest import DATA

MANAGER = "manager@orthonl.example"
ANSWERS = {  # the requirements of the test manual that apply to an orthoses workshop
    "ORG-01": ("compliant", ""),
    "MGT-01": ("not_applicable", "De directiebeoordeling gebeurt door de moedergroep."),
}
NOT_APPLICABLE = ("ORG-02", "MGT-02")  # employees; prostheses, implantable


def _member_manager_with_campaign(app) -> int:
    with app.app_context():
        member = factories.member(code="MEM-NL", activities=["orthoses"])
        factories.user(MANAGER, "member_manager", member=member, locale="nl")
        version = factories.manual(DATA / "manual-min")
        campaign = factories.campaign(version)
        db.session.commit()
        (assessment,) = campaign.assessments
        return assessment.id


def _at(live_server: str, checklist: str, key: str) -> re.Pattern[str]:
    """The checklist (with whatever filter it was on), scrolled to one requirement."""
    return re.compile(rf"^{re.escape(live_server + checklist)}(\?[^#]*)?#{key}$")


def _log_in(page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", MANAGER)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form[action='/login'] button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_manager_answers_uploads_and_submits_without_javascript(
        app, live_server, page, tmp_path):
    assessment_id = _member_manager_with_campaign(app)
    overview = f"/assessments/{assessment_id}"
    checklist = f"{overview}/answers"
    _log_in(page, live_server)
    assert page.locator("html").get_attribute("lang") == "nl"

    page.locator("header nav a[href='/assessments/']").click()
    expect(page).to_have_url(f"{live_server}/assessments/")
    expect(page.locator(f"a[href='{overview}']")).to_contain_text("Campaign 2026")
    page.locator(f"a[href='{overview}']").click()
    expect(page).to_have_url(f"{live_server}{overview}")
    expect(page.locator(".state")).to_have_class(re.compile(r"\bstate-not_started\b"))
    # Nothing answered yet: no submit button, a list of what is missing instead.
    expect(page.locator(f"form[action='{overview}/submit']")).to_have_count(0)
    expect(page.locator("ul.missing li")).to_have_count(len(ANSWERS))

    page.locator(f"a.button[href='{checklist}']").click()
    expect(page).to_have_url(f"{live_server}{checklist}")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("section.requirement.answer")).to_have_count(len(ANSWERS))
    for key in NOT_APPLICABLE:  # listed apart, with a form to take them back in
        expect(page.locator(f"details.excluded #{key}")).to_have_count(1)
        expect(page.locator(f"#{key} form.answer-form")).to_have_count(0)

    for key, (status, justification) in ANSWERS.items():
        section = page.locator(f"section.requirement.answer#{key}")
        expect(section).not_to_have_class(re.compile(r"\banswered\b"))
        section.locator(f"input[name=status][value={status}]").check()
        if justification:
            section.locator("textarea[name=justification]").fill(justification)
        section.locator("form.answer-form button[value=save]").click()
        expect(page).to_have_url(_at(live_server, checklist, key))
        expect(page.locator(".flash-success")).to_contain_text(key)
        section = page.locator(f"section.requirement.answer#{key}")
        expect(section).to_have_class(re.compile(rf"\banswered\b.*\bstatus-{status}\b"))
        expect(section.locator(f"input[name=status][value={status}]")).to_be_checked()
        if justification:
            expect(section.locator("textarea[name=justification]")).to_have_value(justification)
    expect(page.locator("#overall-progress")).to_have_attribute("value", "100")

    pdf = tmp_path / "aanstellingsbrief-prrc.pdf"
    pdf.write_bytes(factories.pdf_bytes("Aanstelling van de PRRC"))
    section = page.locator("#ORG-01")
    # The file goes with the row's form: chosen, then saved with the answer.
    section.locator("input[name=files]").set_input_files(str(pdf))
    section.locator("form.answer-form button[value=save]").click()
    expect(page).to_have_url(_at(live_server, checklist, "ORG-01"))
    files = page.locator("#ORG-01 .evidence ul.files li")
    expect(files).to_have_count(1)
    expect(page.locator("#ORG-01 .flash-success")).to_contain_text("ORG-01")
    # A title is given on the requirement's evidence page; here the file's name is used.
    expect(files.locator("a[href*='/evidence/']")).to_have_text("aanstellingsbrief-prrc")
    expect(files).to_contain_text("aanstellingsbrief-prrc.pdf")
    expect(page.locator("#MGT-01 .evidence ul.files")).to_have_count(0)

    page.locator(f"nav.crumbs a[href='{overview}']").click()
    expect(page).to_have_url(f"{live_server}{overview}")
    expect(page.locator(".state")).to_have_class(re.compile(r"\bstate-in_progress\b"))
    expect(page.locator("ul.missing")).to_have_count(0)
    page.locator(f"form[action='{overview}/submit'] button[type=submit]").click()

    expect(page).to_have_url(f"{live_server}{overview}")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".state")).to_have_class(re.compile(r"\bstate-submitted\b"))
    expect(page.locator(f"form[action='{overview}/submit']")).to_have_count(0)
    assert page.locator("html").get_attribute("lang") == "nl"

    page.locator(f"a.button[href='{checklist}']").click()  # now "read the answers"
    expect(page.locator("section.requirement.answer")).to_have_count(len(ANSWERS))
    expect(page.locator("form.answer-form")).to_have_count(0)
    expect(page.locator("input[name=status]")).to_have_count(0)
    expect(page.locator("input[name=files]")).to_have_count(0)
    for key, (status, _) in ANSWERS.items():
        expect(page.locator(f"#{key} .status-tag.status-{status}")).to_have_count(1)
    expect(page.locator("#MGT-01")).to_contain_text(ANSWERS["MGT-01"][1])
    expect(page.locator("#ORG-01 .evidence ul.files")).to_contain_text("aanstellingsbrief-prrc")


def test_answer_is_saved_in_place_with_javascript(app, live_server, browser):
    assessment_id = _member_manager_with_campaign(app)
    checklist = f"{live_server}/assessments/{assessment_id}/answers"
    context = browser.new_context(locale="nl-BE")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _log_in(page, live_server)
        page.goto(checklist)
        expect(page.locator("html")).to_have_attribute("lang", "nl")

        section = page.locator("section.requirement.answer#ORG-01")
        form = section.locator("form.answer-form")
        revision = form.locator("input[name=revision]").input_value()
        page.evaluate("window.stillTheSamePage = true")
        navigations: list[str] = []
        page.on("framenavigated",
                lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

        section.locator("input[name=status][value=compliant]").check()
        section.locator("textarea[name=comment]").fill("Aanstelling getekend in januari.")
        with page.expect_response(re.compile(r"/answers/\d+(\?|$)")) as saved:
            form.locator("button[value=save]").click()
        assert saved.value.status == 200
        assert saved.value.headers["content-type"].startswith("application/json")

        output = form.locator("output.saved")
        expect(output).to_have_text(re.compile(r"\S"))
        expect(output).not_to_have_class(re.compile(r"\berror\b"))
        expect(section).to_have_class(re.compile(r"\banswered\b"))
        expect(form.locator("input[name=revision]")).not_to_have_value(revision)
        expect(page.locator("#overall-progress")).to_have_attribute("value", "50")
        assert page.evaluate("window.stillTheSamePage") is True
        assert navigations == []
        assert page.url == checklist
        expect(page.locator(".flash")).to_have_count(0)  # no redirect, so no flash

        page.reload()
        section = page.locator("section.requirement.answer#ORG-01")
        expect(section).to_have_class(re.compile(r"\banswered\b.*\bstatus-compliant\b"))
        expect(section.locator("input[name=status][value=compliant]")).to_be_checked()
        expect(section.locator("textarea[name=comment]")).to_have_value(
            "Aanstelling getekend in januari.")
        expect(page.locator("#MGT-01")).not_to_have_class(re.compile(r"\banswered\b"))
        assert errors == []
    finally:
        context.close()
