"""A consultant pre-audits a submitted self-assessment, the member works on a corrective
action, the consultant verifies it and staff read the sector picture: each person in their
own browser (headless Chromium, no JavaScript, English)."""

from __future__ import annotations

import csv
import io
import re
from contextlib import contextmanager

from playwright.sync_api import expect

from compliance.extensions import db
from tests import factories
from tests.conftest import DATA

MANAGER = "manager@orthobe.example"
CONSULTANT = "consultant@advice.example"
STAFF = "staff@union.example"
CODE = "MEM-PA"
# Requirement: (the member's answer, the consultant's verdict, the consultant's finding)
REVIEW = {
    "ORG-01": ("compliant", "conform", ""),
    "ORG-02": ("partial", "minor_nc", "The organisation chart does not name a deputy PRRC."),
    "MGT-01": ("compliant", "major_nc", "No management review was held in the last year."),
}
#: The verdicts' values as the review page's choices post them.
CODES = {"conform": "c", "observation": "o", "minor_nc": "mi", "major_nc": "ma",
         "not_applicable": "na"}
MINOR_FINDING = REVIEW["ORG-02"][2]
MAJOR_FINDING = REVIEW["MGT-01"][2]
CLOSURE_NOTE = "Management review held on 3 March; the minutes are signed."


def _submitted_assessment(app) -> tuple[int, int]:
    """A member with an orthoses workshop and employees, its manager, its consultant,
    staff, and a campaign whose assessment the manager answered and submitted."""
    from compliance.assessments.services import save_answer, submit_assessment

    with app.app_context():
        member = factories.member(code=CODE, activities=["orthoses", "employees"])
        manager = factories.user(MANAGER, "member_manager", member=member)
        factories.user(CONSULTANT, "consultant", assigned=[member])
        factories.user(STAFF, "staff")
        version = factories.manual(DATA / "manual-min")
        campaign = factories.campaign(version)
        (assessment,) = campaign.assessments
        included = {a.requirement_key: a for a in assessment.answers if a.included}
        assert set(included) == set(REVIEW)
        for key, (status, _, _) in REVIEW.items():
            answer = included[key]
            save_answer(answer, status=status, justification=None, comment=None,
                        revision=answer.revision, actor=manager)
        submit_assessment(assessment, actor=manager)
        db.session.commit()
        return assessment.id, campaign.id


@contextmanager
def _browser_of(browser, live_server: str, email: str):
    """A fresh browser context, logged in as ``email``."""
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", factories.PASSWORD)
        page.locator("main form[action='/login'] button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/login"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        yield page
    finally:
        context.close()


def _consultant_reviews_and_signs(page, live_server: str, assessment_id: int) -> None:
    overview = f"/assessments/{assessment_id}"
    review = f"/reviews/{assessment_id}"

    # The start page lists the consultant's members' assessments.
    expect(page).to_have_url(f"{live_server}/")
    row = page.locator("main table tr", has=page.locator(f"a[href='{overview}']"))
    expect(row).to_contain_text(CODE)
    expect(row.locator(".state")).to_have_class(re.compile(r"\bstate-submitted\b"))
    row.locator(f"a[href='{overview}']").click()
    expect(page).to_have_url(f"{live_server}{overview}")
    expect(page.locator(".state")).to_have_class(re.compile(r"\bstate-submitted\b"))
    expect(page.locator(".pre-audit-result")).to_have_count(0)  # nothing judged yet

    page.locator(f"a.button[href='{review}']").click()
    expect(page).to_have_url(f"{live_server}{review}")
    expect(page.locator("form#verdicts section.requirement")).to_have_count(len(REVIEW))
    expect(page.locator("#MGT-02")).to_have_count(0)  # not applicable to this profile
    complete = page.locator(f"form[action='{review}/complete']")
    expect(complete.locator("button[type=submit]")).to_be_disabled()
    expect(page.locator("#complete ul.missing li")).to_have_count(len(REVIEW))

    for key, (status, verdict, finding) in REVIEW.items():
        section = page.locator(f"section.requirement#{key}")
        expect(section.locator(f".member-answer .status-tag.status-{status}")).to_have_count(1)
        section.locator(f"input[type=radio][value={CODES[verdict]}]").check()
        if finding:
            section.locator("textarea[name^=f-]").fill(finding)
        section.get_by_role("button", name="Save", exact=True).click()
        expect(page).to_have_url(f"{live_server}{review}#{key}")
        expect(page.locator(".flash-success")).to_contain_text(key)
        section = page.locator(f"section.requirement#{key}")
        expect(section).to_have_class(re.compile(rf"\bverdict-{verdict}\b"))
        expect(section.locator(f"input[type=radio][value={CODES[verdict]}]")).to_be_checked()
        expect(section.locator("textarea[name^=f-]")).to_have_value(finding)
    expect(page.locator(".state")).to_have_class(re.compile(r"\bstate-in_pre_audit\b"))
    expect(page.locator("aside .readiness")).to_have_text("Not ready")
    expect(page.locator("#complete ul.missing")).to_have_count(0)

    # The sign-off is prefilled with the consultant's name and today's date.
    expect(complete.locator("input[name=signed_by_name]")).to_have_value("Consultant")
    expect(complete.locator("input[name=signed_on]")).to_have_value(
        re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    complete.get_by_role("button", name="Sign and complete").click()

    expect(page).to_have_url(f"{live_server}{overview}")
    expect(page.locator(".flash-success")).to_contain_text("Pre-audit completed")
    expect(page.locator(".state")).to_have_class(re.compile(r"\bstate-pre_audited\b"))
    expect(page.locator(".state")).to_have_text("Pre-audited")
    result = page.locator("section.pre-audit-result")
    expect(result.locator(".readiness")).to_have_class(re.compile(r"\breadiness-not_ready\b"))
    expect(result.locator(".readiness")).to_have_text("Not ready")
    expect(result).to_contain_text("Signed by Consultant")
    _expect_scores(result)
    actions = result.locator("table:not(.scores) tbody tr")
    expect(actions).to_have_count(2)
    expect(actions.nth(0)).to_contain_text("MGT-01")  # the major one is due first
    expect(actions.nth(0)).to_contain_text("Major non-conformity")
    expect(actions.nth(0)).to_contain_text(MAJOR_FINDING)
    expect(actions.nth(1)).to_contain_text("ORG-02")
    expect(actions.nth(1)).to_contain_text("Minor non-conformity")
    expect(actions.nth(1)).to_contain_text(MINOR_FINDING)
    for row in (actions.nth(0), actions.nth(1)):
        expect(row).to_contain_text("Manager")  # owned by the member's manager
        expect(row.locator(".action-status")).to_have_text("Open")
    # The pre-audit is locked: the review page no longer offers forms.
    page.goto(f"{live_server}{review}")
    expect(page.locator("form#verdicts")).to_have_count(0)
    expect(page.locator(f"form[action='{review}/complete']")).to_have_count(0)


def _expect_scores(result) -> None:  # noqa: ANN001
    """Self: ORG 3×1 + 1×0.5 of 4, MGT 100; consultant: ORG 3×1 + 1×0.5 of 4, MGT 0."""
    scores = result.locator("table.scores")
    expect(scores.locator("caption")).to_have_text("Scores")
    rows = scores.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("ORG")
    expect(rows.nth(1)).to_contain_text("MGT")
    expect(rows.nth(1).locator("td.num")).to_have_text(["100", "0", "+100"])
    expect(scores.locator("tfoot th.num")).to_have_text(["93", "50", "+43"])


def _manager_reads_and_acts(page, live_server: str, assessment_id: int) -> str:
    overview = f"/assessments/{assessment_id}"
    page.locator("header nav a[href='/assessments/']").click()
    page.locator(f"a[href='{overview}']").click()
    expect(page).to_have_url(f"{live_server}{overview}")
    expect(page.locator(".state")).to_have_text("Pre-audited")
    result = page.locator("section.pre-audit-result")
    expect(result.get_by_role("heading", name="Pre-audit result")).to_be_visible()
    expect(result.locator(".readiness")).to_have_text("Not ready")
    _expect_scores(result)
    expect(result.locator("table:not(.scores) tbody tr")).to_have_count(2)
    expect(page.locator(f"a[href='/reviews/{assessment_id}']")).to_have_count(0)

    page.locator(f"a.button[href='{overview}/answers']").click()  # "Read the answers"
    expect(page.locator("form.answer-form")).to_have_count(0)
    for key, (_, verdict, finding) in REVIEW.items():
        shown = page.locator(f"#{key} .consultant-verdict")
        expect(shown.locator(f".verdict-tag.verdict-{verdict}")).to_have_count(1)
        if finding:
            expect(shown).to_contain_text(finding)
    expect(page.locator("#MGT-01 .consultant-verdict")).to_contain_text("Major non-conformity")

    page.locator(f"nav.crumbs a[href='{overview}']").click()
    row = page.locator("section.pre-audit-result tbody tr", has_text="MGT-01")
    link = row.locator("a[href^='/actions/']").first
    action_url = link.get_attribute("href")
    assert action_url and re.fullmatch(r"/actions/\d+", action_url)
    link.click()
    expect(page).to_have_url(f"{live_server}{action_url}")
    expect(page.locator("h1")).to_contain_text("MGT-01")
    expect(page.locator(".title-row .action-status")).to_have_text("Open")
    expect(page.locator("dl.facts")).to_contain_text(MAJOR_FINDING)

    page.get_by_role("button", name="Start working on it").click()
    expect(page).to_have_url(f"{live_server}{action_url}")
    expect(page.locator(".flash-success")).to_contain_text("MGT-01")
    expect(page.locator(".title-row .action-status")).to_have_text("In progress")
    expect(page.get_by_role("button", name="Start working on it")).to_have_count(0)

    done = page.locator(f"form[action^='{action_url}/done']")
    done.locator("textarea[name=closure_note]").fill(CLOSURE_NOTE)
    done.get_by_role("button", name="Mark as done").click()
    expect(page).to_have_url(f"{live_server}{action_url}")
    expect(page.locator(".title-row .action-status")).to_have_text("Done, to verify")
    expect(page.locator("dl.facts")).to_contain_text(CLOSURE_NOTE)
    expect(page.locator(f"form[action^='{action_url}/done']")).to_have_count(0)
    # Only the consultant verifies.
    expect(page.locator(f"form[action='{action_url}/verify']")).to_have_count(0)
    return action_url


def _consultant_verifies(page, live_server: str, action_url: str) -> None:
    page.goto(f"{live_server}{action_url}")
    expect(page.locator(".title-row .action-status")).to_have_text("Done, to verify")
    expect(page.locator("dl.facts")).to_contain_text(CLOSURE_NOTE)
    page.locator(f"form[action='{action_url}/verify'] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}{action_url}")
    expect(page.locator(".flash-success")).to_contain_text("Verified")
    expect(page.locator(".title-row .action-status")).to_have_text("Verified")
    expect(page.locator("dl.facts")).to_contain_text("Consultant")  # verified by
    expect(page.locator(f"form[action='{action_url}/verify']")).to_have_count(0)


def _staff_read_the_sector(page, live_server: str, campaign_id: int) -> None:
    page.locator("header nav a[href='/dashboard/sector']").click()
    expect(page).to_have_url(f"{live_server}/dashboard/sector")
    expect(page.get_by_role("heading", name="Sector readiness")).to_be_visible()

    states = page.locator("section.card", has=page.get_by_role("heading",
                                                               name="Members by state"))
    expect(states.locator("tr", has_text="Pre-audited").locator("td.num")).to_have_text("1")
    expect(states.locator("tr", has_text="Submitted").locator("td.num")).to_have_text("0")

    readiness = page.locator("section.card", has=page.get_by_role(
        "heading", name="Readiness after pre-audit"))
    expect(readiness.locator("tr", has_text="Not ready").locator("td.num")).to_have_text("1")
    expect(readiness.locator("tr", has_text="Nearly ready").locator("td.num")).to_have_text("0")
    expect(readiness.locator("tr", has_text=re.compile(r"^Ready")).locator("td.num")
           ).to_have_text("0")
    expect(readiness).to_contain_text("1 of 1 members pre-audited.")

    gaps = page.locator("h2:text-is('Most frequent gaps') + table tbody tr")
    expect(gaps).to_have_count(2)
    org02 = gaps.filter(has_text="ORG-02")
    expect(org02).to_contain_text("Responsibilities are written down")
    expect(org02.locator("td.num")).to_have_text(["1", "1"])  # NC, and self-declared partial
    mgt01 = gaps.filter(has_text="MGT-01")
    expect(mgt01).to_contain_text("Management reviews the system every year")
    expect(mgt01.locator("td.num")).to_have_text(["1", "0"])
    expect(gaps.filter(has_text="ORG-01")).to_have_count(0)

    members = page.locator("h2:text-is('Members') + table tbody tr")
    expect(members).to_have_count(1)
    expect(members).to_contain_text(CODE)
    expect(members.locator("td").nth(2)).to_have_text("Pre-audited")
    expect(members.locator("td").nth(6)).to_have_text("Not ready")
    expect(members.locator("td.num").nth(-2)).to_have_text("1")  # ORG-02 still open

    export = page.locator(f"a[href='/dashboard/sector.csv?campaign={campaign_id}']")
    expect(export).to_have_text("Export the member table (CSV)")
    with page.expect_download() as download_info:
        export.click()
    download = download_info.value
    assert download.suggested_filename == f"sector-{campaign_id}.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    header, *lines = rows
    assert header[:2] == ["Code", "Name"]  # in the reader's words (English here)
    assert {"State", "Readiness", "Consultant score"} <= set(header)
    assert [line[0] for line in lines] == [CODE]
    row = dict(zip(header, lines[0], strict=True))
    assert row["State"] == "Pre-audited"
    assert row["Readiness"] == "Not ready"
    assert row["Consultant score"] == "50.0"
    assert row["Open actions"] == "1"


def test_consultant_pre_audits_member_acts_staff_see_sector(app, live_server, browser):
    assessment_id, campaign_id = _submitted_assessment(app)

    with _browser_of(browser, live_server, CONSULTANT) as page:
        _consultant_reviews_and_signs(page, live_server, assessment_id)

    with _browser_of(browser, live_server, MANAGER) as page:
        action_url = _manager_reads_and_acts(page, live_server, assessment_id)

    with _browser_of(browser, live_server, CONSULTANT) as page:
        _consultant_verifies(page, live_server, action_url)
        page.goto(f"{live_server}/assessments/{assessment_id}")
        result = page.locator("section.pre-audit-result")
        # The major non-conformity is closed, but the consultant score (50) stays low.
        expect(result.locator(".readiness")).to_have_text("Not ready")
        statuses = result.locator("table:not(.scores) tbody tr .action-status")
        expect(statuses).to_have_text(["Verified", "Open"])

    with _browser_of(browser, live_server, STAFF) as page:
        _staff_read_the_sector(page, live_server, campaign_id)
