"""A member manager makes an API token in the browser (no JavaScript), the example
client uses it to read the deadlines and send a file, the library shows the file, the
manager revokes the token and the client is refused."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests.api.test_example_client import load_example
from tests.conftest import DATA

MANAGER = "manager@orthobe.example"


def _world(app) -> None:
    with app.app_context():
        from compliance.extensions import db

        member = factories.member(code="MEM-API", activities=["orthoses", "employees"])
        factories.user(MANAGER, "member_manager", member=member)
        factories.campaign(factories.manual(DATA / "manual-min"))
        db.session.commit()


def test_a_token_made_in_the_browser_works_until_revoked(app, live_server, page, tmp_path,
                                                         capsys):
    _world(app)
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", MANAGER)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form[action='/login'] button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.get_by_role("link", name="API tokens").first.click()
    page.get_by_label("Name").fill("OrthoSoft workshop PC")
    page.get_by_label("evidence: upload evidence, mark corrective actions done").check()
    page.get_by_role("button", name="Make the token").click()
    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("mdr_")

    letter = tmp_path / "prrc-letter.pdf"
    letter.write_bytes(factories.pdf_bytes("PRRC designation letter"))
    example = load_example()
    assert example.main(["--url", live_server, "--token", secret, "--upload", str(letter),
                         "--title", "PRRC designation", "--requirement", "ORG-01"]) == 0
    out = capsys.readouterr().out
    assert "Workshop MEM-API" in out and "supports ORG-01" in out

    page.goto(f"{live_server}/evidence/")
    expect(page.get_by_text("PRRC designation")).to_be_visible()
    page.goto(f"{live_server}/tokens/")
    row = page.locator("tr", has_text="OrthoSoft workshop PC")
    expect(row).not_to_contain_text("never")  # last used: just now
    expect(page.locator("body")).not_to_contain_text(secret)  # shown once only
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator(".flash")).to_contain_text("no longer works")
    assert example.main(["--url", live_server, "--token", secret]) == 1
    assert "401" in capsys.readouterr().err
