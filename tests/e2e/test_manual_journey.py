"""Staff log in and read the manual in Dutch, in a real browser without JavaScript."""

import re

from playwright.sync_api import expect

from compliance.extensions import db
from tests import factories


def test_staff_reads_the_manual_in_dutch(app, live_server, page, manual_path):
    with app.app_context():
        factories.user("staff@union.example", "staff")
        factories.manual(manual_path)
        db.session.commit()

    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.select_option("select[name=locale]", "nl")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()

    page.fill("input[name=email]", "staff@union.example")
    page.fill("input[name=password]", factories.PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", name=re.compile("Welkom"))).to_be_visible()

    page.get_by_role("link", name="Handboek", exact=True).first.click()
    expect(page.get_by_role("heading", name="Testhandboek")).to_be_visible()
    expect(page.locator(".stats")).to_contain_text("4")

    page.get_by_role("link", name=re.compile("Directiebeoordeling")).click()
    requirement = page.locator("#MGT-01")
    expect(requirement).to_contain_text("De directie beoordeelt het systeem jaarlijks")
    expect(requirement).to_contain_text("Verwacht bewijs")
    expect(requirement).to_contain_text("EN ISO 13485:2016 §5.6")

    page.get_by_label("Steunzolen").check()
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("#MGT-02")).to_have_count(0)
    expect(page.locator("#MGT-01")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "nl"
