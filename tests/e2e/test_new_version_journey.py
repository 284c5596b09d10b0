"""A member moved to a new manual version confirms a merged answer on a phone, and staff
read what changed, in a real browser without JavaScript, 390 px wide."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.assessments.test_carry_over import moved  # noqa: F401  the fixture


def log_in(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("form:has(input[name=password]) button").click()
    page.wait_for_url(re.compile(r"/$"))


def fits(page, selector: str = "main *") -> bool:
    """Nothing of ``selector`` reaches past the screen's right edge."""
    right = page.evaluate(f"Math.max(...Array.from(document.querySelectorAll('{selector}'))"
                          ".map(e => e.getBoundingClientRect().right))")
    return right <= page.viewport_size["width"]


def test_a_member_confirms_a_merged_answer_on_a_phone(browser, live_server, moved):  # noqa: F811
    context = browser.new_context(locale="fr-BE", java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server, "manager@a.example")
    page.goto(f"{live_server}/assessments/{moved['new']}/answers?chapter=ORG")
    requirement = page.locator("#ORG-01")
    expect(requirement.locator(".carried")).to_contain_text(
        "2 réponses antérieures, reprises de la version 1.0")
    expect(requirement.locator(".carried")).to_contain_text("Partiellement conforme")
    expect(requirement).to_contain_text("À confirmer")
    expect(requirement.locator(".badge-basis")).to_contain_text(re.compile("Loi", re.I))
    expect(requirement.locator("textarea[name=comment]")).to_have_value(
        "ORG-02: Two roles are not written down yet.")
    assert fits(page, "main .meta *, main .carried *")  # the basis and the carried answers
    requirement.get_by_role("button", name="Enregistrer").click()
    requirement = page.locator("#ORG-01")
    expect(requirement.locator(".badge", has_text="À confirmer")).to_have_count(0)
    expect(requirement.locator(".carried")).to_be_visible()  # where it came from stays
    context.close()


def test_staff_read_what_changed_on_a_phone(browser, live_server, moved):  # noqa: F811
    context = browser.new_context(locale="nl-BE", java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server, "staff@x.example")
    page.goto(f"{live_server}/manual/")
    page.get_by_role("link", name=re.compile("Handboek voor overname")).first.click()
    version = page.locator("h1")
    expect(version).to_have_text("Handboek voor overname")
    page.get_by_role("link", name=re.compile("Wat er veranderd is sinds versie 1.0")).click()
    expect(page.locator("h1")).to_have_text(re.compile("Wat er veranderd is in versie"))
    expect(page.locator("#ORG-01 ins").first).to_have_text(
        "en de verantwoordelijkheden zijn beschreven")
    expect(page.locator("#MGT-03")).to_contain_text("Geen eis.")
    assert fits(page)
    context.close()
