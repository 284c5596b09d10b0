"""The staff's side in Chromium without JavaScript: the sector dashboard draws its four
charts in French, Dutch and English, and every page staff see fits the window at
1,280 and 390 px (nothing scrolls sideways)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import page_widths
from tests.e2e.demo_world import PASSWORD
from tests.e2e.test_narrow_screens import pages  # noqa: F401  every page, the demo's objects
from tests.factories import PASSWORD as TEST_PASSWORD
from tests.reports.conftest import audited, reviewed  # noqa: F401  a pre-audited member

HEADINGS = {
    "fr-BE": ("Membres par état", "État de préparation après pré-audit",
              "Membres par chapitre", "Préparation d'une campagne à l'autre"),
    "nl-BE": ("Leden per status", "Paraatheid na pre-audit", "Leden per hoofdstuk",
              "Paraatheid van campagne tot campagne"),
    "en-GB": ("Members by state", "Readiness after pre-audit", "Members by chapter",
              "Readiness across campaigns"),
}
WIDTHS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})


def sign_in(browser, live_server, email: str, password: str, locale: str, viewport: dict):
    context = browser.new_context(locale=locale, viewport=viewport, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form[action='/login'] button[type=submit]").click()
    return context, page


@pytest.mark.parametrize("locale", HEADINGS)
def test_the_sector_dashboard_draws_four_charts(app, live_server, browser, people,
                                                audited, locale):  # noqa: F811
    for viewport in WIDTHS:
        context, page = sign_in(browser, live_server, people["staff"], TEST_PASSWORD, locale,
                                viewport)
        page.goto(f"{live_server}/dashboard/sector")
        charts = page.locator("svg.chart")
        assert charts.count() == 4
        for index, heading in enumerate(HEADINGS[locale]):
            chart = charts.nth(index)
            box = chart.bounding_box()
            assert box and box["width"] > 200 and box["height"] > 20, (locale, index, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            figure = page.locator("figure.chart-figure").nth(index)
            assert figure.locator("svg.chart").count() == 1
            label = page.locator(f"#{figure.get_attribute('aria-labelledby')}")
            assert label.inner_text().strip() == heading
            assert chart.locator("rect").count() > 0
        # "not ready" is drawn red: the pre-audited member is not ready
        fill = page.locator("svg.chart .t-not_ready").first.evaluate(
            "e => getComputedStyle(e).fill")
        assert fill == "rgb(179, 38, 30)"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        context.close()


def test_every_page_staff_see_fits_1280_and_390_px(app, live_server, browser,
                                                   pages):  # noqa: F811
    for viewport in WIDTHS:
        context, page = sign_in(browser, live_server, "staff@demo.example", PASSWORD,
                                "fr-BE", viewport)
        seen, too_wide = page_widths(page, live_server,
                                     pages + ["/dashboard/sector?names=1", "/campaigns/new"],
                                     viewport["width"])
        assert len(seen) >= 15, seen
        assert "/dashboard/sector" in seen
        assert not too_wide, f"wider than {viewport['width']} px: {too_wide}"
        context.close()
