"""Every page of each role on a 390 px phone, in Chromium without JavaScript: the document
is never wider than the window (nothing scrolls sideways), and the menu folds under a
"Menu" that opens without JavaScript."""

from __future__ import annotations

import pytest
from flask import url_for
from playwright.sync_api import expect
from sqlalchemy import select

from compliance import clock
from compliance.assessments.models import Answer
from compliance.campaigns.models import Campaign
from compliance.devices.demo import add_demo_statements
from compliance.manual.models import Chapter
from compliance.members.models import Member
from tests.e2e.conftest import page_widths
from tests.e2e.demo_world import PASSWORD, demo_one_year_on

PHONE = {"width": 390, "height": 844}
ROLES = {"member manager": "manager.a@demo.example",
         "member contributor": "contributor.a@demo.example",
         "consultant": "consultant@demo.example", "staff": "staff@demo.example",
         "admin": "admin@demo.example"}
NOT_PAGES = {"static", "evidence.download", "reminders.calendar", "dashboard.sector_csv",
             "home.health", "reports.generate", "reports.self_assessment",
             "reports.pre_audit", "reports.sector", "auth.login", "devices.export",
             "devices.pdf"}


@pytest.fixture
def pages(app, db) -> list[str]:
    """Every page of the application (each GET route that answers HTML), with the demo's
    objects as arguments: both of DEMO-A's assessments (one in progress, one pre-audited)."""
    world = demo_one_year_on(app)
    with app.app_context():
        member = db.session.get(Member, world["member"])
        statement = add_demo_statements(member, clock.today())[-1].statement.id
        db.session.commit()
        answer = db.session.scalar(select(Answer.id).where(
            Answer.assessment_id == world["second"], Answer.included.is_(True)))
        chapter = db.session.scalar(select(Chapter).order_by(Chapter.id.desc()))
        campaign = db.session.scalar(select(Campaign.id).order_by(Campaign.id))
        base = {"action_id": world["action"], "answer_id": answer, "member_id": world["member"],
                "campaign_id": campaign, "version_id": chapter.manual_version_id,
                "key": chapter.key, "evidence_id": 1, "request_id": 1,
                "token": "a-link-that-is-not-valid",  # invitation and reset pages
                "user_id": world.get("user", 1), "statement_id": statement}
        urls = []
        with app.test_request_context():
            for rule in app.url_map.iter_rules():
                if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                    continue
                for assessment in ((world["second"], world["first"])
                                   if "assessment_id" in rule.arguments else (None,)):
                    values = {name: base[name] if name != "assessment_id" else assessment
                              for name in rule.arguments}
                    if rule.endpoint in ("evidence.index", "reminders.duties"):
                        values["member"] = world["member"]
                    urls.append(url_for(rule.endpoint, **values))
            urls.append(url_for("assessments.answers", assessment_id=world["second"],
                                chapter="ORG"))
    return sorted(set(urls))


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_390_px_phone(app, live_server, browser, pages, role):
    context = browser.new_context(locale="nl-BE", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("input[name=email]", ROLES[role])
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form[action='/login'] button[type=submit]").click()
    seen, too_wide = page_widths(page, live_server, pages, PHONE["width"])
    assert len(seen) >= 12, seen
    assert not too_wide, f"wider than the phone for the {role}: {too_wide}"
    context.close()


def test_the_menu_folds_and_opens_without_javascript(app, live_server, browser, pages):
    context = browser.new_context(locale="nl-BE", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", ROLES["member manager"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form[action='/login'] button[type=submit]").click()
    menu = page.locator("details.menu")
    expect(menu.locator("summary")).to_be_visible()
    expect(menu.locator("nav a[href='/assessments/']")).to_be_hidden()
    menu.locator("summary").click()
    expect(menu.locator("nav a[href='/assessments/']")).to_be_visible()
    menu.locator("nav a[href='/assessments/']").click()
    expect(page).to_have_url(f"{live_server}/assessments/")
    context.close()
    wide = browser.new_context(locale="nl-BE", java_script_enabled=False)
    page = wide.new_page()  # 1,280 px: the same menu is a bar, always open
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", ROLES["member manager"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form[action='/login'] button[type=submit]").click()
    expect(page.locator("details.menu summary")).to_be_hidden()
    expect(page.locator("details.menu nav a[href='/assessments/']")).to_be_visible()
    wide.close()
