"""Onboarding a new workshop in Dutch, in a real browser and over a real SMTP server:
staff create the workshop and invite its manager; the manager accepts from the e-mail,
chooses a password, invites a contributor; the contributor accepts; both log in. Nobody
ever sees a password they did not choose. Counts the e-mails the journey sends."""

import re

from playwright.sync_api import expect

from compliance.extensions import db
from tests import factories
from tests.accounts.mailbox import link_path, to

STAFF = "staff@vereniging.example"
MANAGER = "an@orthopedie-gent.example"
CONTRIBUTOR = "piet@orthopedie-gent.example"


def _submit(page, text: str) -> None:
    page.locator("main form button[type=submit]", has_text=text).click()


def _log_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    _submit(page, "Aanmelden")
    expect(page).to_have_url(f"{base}/")


def _log_out(page) -> None:
    page.locator("header form button", has_text="Afmelden").click()


def _accept(page, base: str, path: str, name: str, password: str) -> None:
    page.goto(base + path)
    expect(page.locator("h1")).to_have_text("Welkom")
    page.fill("input[name=name]", name)
    page.fill("input[name=new_password]", password)
    page.fill("input[name=confirm]", password)
    _submit(page, "Mijn account aanmaken")
    expect(page).to_have_url(f"{base}/")
    expect(page.locator(".flash-success")).to_contain_text(f"Welkom, {name}")


def test_staff_invite_a_manager_who_invites_a_contributor(app, live_server, browser,
                                                          smtp_server):
    with app.app_context():
        factories.user(STAFF, "staff", locale="nl")
        db.session.commit()
    context = browser.new_context(locale="nl-BE", java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, live_server, STAFF, factories.PASSWORD)
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        page.locator("header nav a", has_text="Leden").click()
        page.goto(f"{live_server}/members/new")
        page.fill("input[name=code]", "ORTHO-GENT")
        page.fill("input[name=name]", "Orthopedie Gent")
        page.fill("input[name=enterprise_number]", "0123.456.749")
        page.select_option("select[name=region]", "flanders")
        page.check("input[name=activities][value=orthoses]")
        _submit(page, "Lid aanmaken")
        expect(page.locator("h1")).to_contain_text("Orthopedie Gent")

        page.locator("main a", has_text="Iemand uitnodigen").click()
        page.fill("input[name=email]", MANAGER)
        page.fill("input[name=name]", "An Peeters")
        page.select_option("select[name=role]", "member_manager")
        page.select_option("select[name=member]", label="ORTHO-GENT — Orthopedie Gent")
        page.select_option("select[name=locale]", "nl")
        _submit(page, "De uitnodiging versturen")
        expect(page.locator(".flash-success")).to_contain_text(
            f"Er werd een uitnodiging naar {MANAGER} verstuurd.")
        expect(page.locator("main table")).to_contain_text(MANAGER)
        assert "wachtwoord" not in page.locator(".flash-success").inner_text().lower()
        _log_out(page)

        [invitation] = to(smtp_server, MANAGER)
        assert invitation["Subject"] == "U bent uitgenodigd voor MDR-conformiteit"
        _accept(page, live_server, link_path(invitation), "An Peeters", "An haar eigen wachtwoord")
        expect(page.locator("header .role")).to_contain_text("ORTHO-GENT")

        page.locator("header nav a", has_text="Team").click()
        expect(page.locator("h1")).to_have_text("Het team van Orthopedie Gent")
        page.fill("input[name=email]", CONTRIBUTOR)
        page.fill("input[name=name]", "Piet")
        page.select_option("select[name=locale]", "nl")
        _submit(page, "De uitnodiging versturen")
        expect(page.locator(".flash-success")).to_contain_text(CONTRIBUTOR)
        _log_out(page)

        [second] = to(smtp_server, CONTRIBUTOR)
        _accept(page, live_server, link_path(second), "Piet Janssens", "Piet zijn eigen geheim")
        _log_out(page)

        for email, password in ((MANAGER, "An haar eigen wachtwoord"),
                                (CONTRIBUTOR, "Piet zijn eigen geheim")):
            _log_in(page, live_server, email, password)
            expect(page.locator("header .role")).to_contain_text("ORTHO-GENT")
            _log_out(page)
        expect(page).to_have_url(re.compile(r"/login$"))

        # the invitations, and each inviter told once that theirs was accepted
        received = [(rcpt[0], message["Subject"]) for rcpt, message in smtp_server.messages]
        assert received == [
            (MANAGER, "U bent uitgenodigd voor MDR-conformiteit"),
            (STAFF, "An Peeters heeft uw uitnodiging aanvaard"),
            (CONTRIBUTOR, "U bent uitgenodigd voor MDR-conformiteit"),
            (MANAGER, "Piet Janssens heeft uw uitnodiging aanvaard"),
        ]
    finally:
        context.close()
