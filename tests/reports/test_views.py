"""Downloading reports: the same rights as the data, attachments, languages."""

from __future__ import annotations

from sqlalchemy import select

from compliance.extensions import db
from compliance.members.models import Member
from tests.conftest import login, post
from tests.reports.test_pdf import pages, text


def switch(client, email):
    post(client, "/logout")
    login(client, email)


def test_a_member_downloads_its_self_assessment(client, people, audited):
    login(client, people["contributor"])
    response = client.get(f"/reports/self-assessment/{audited['a']}.pdf?lang=fr")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"self-assessment-MEM-A-{audited['campaign']}-fr.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Un PRRC est désigné" in text(response.data)


def test_another_members_reports_are_404(client, people, audited):
    login(client, people["manager_b"])
    for kind in ("self-assessment", "pre-audit"):
        assert client.get(f"/reports/{kind}/{audited['a']}.pdf").status_code == 404
    assert client.get("/reports/self-assessment/9999.pdf").status_code == 404


def test_the_pre_audit_report_waits_for_the_sign_off(client, people, reviewed):
    url = f"/reports/pre-audit/{reviewed['a']}.pdf?lang=en"
    login(client, people["manager"])
    assert client.get(url).status_code == 404
    switch(client, people["consultant"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Preview: this pre-audit is not completed" in text(response.data)


def test_the_member_gets_the_completed_pre_audit(client, people, audited):
    login(client, people["manager"])
    response = client.get(f"/reports/pre-audit/{audited['a']}.pdf?lang=fr")
    assert response.status_code == 200
    content = text(response.data)
    assert "Pas prêt" in content and "Aucune revue de direction en 2025." in content


def test_sector_report_rights(app, client, people, audited):
    url = f"/reports/sector/{audited['campaign']}.pdf"
    with app.app_context():
        names = {m.code: m.name for m in db.session.scalars(select(Member))}
    login(client, people["manager"])
    assert client.get(url).status_code == 403
    switch(client, people["consultant"])  # assigned to MEM-A only
    response = client.get(url + "?lang=en")
    assert response.status_code == 200
    content = text(response.data)
    # one member of two: one pseudonym, no code
    assert "Member 01" in content and "Member 02" not in content
    assert "MEM-A" not in content and "MEM-B" not in content
    assert names["MEM-A"] not in content
    assert client.get(url + "?names=1").status_code == 403
    switch(client, people["staff"])
    named = client.get(url + "?lang=en&names=1")
    assert named.status_code == 200
    assert "Not anonymised" in pages(named.data)[0]
    assert all(name in text(named.data) for name in names.values())
    assert "names" in named.headers["Content-Disposition"]
    anonymous = text(client.get(url).data)
    assert not any(name in anonymous for name in names.values())


def test_unknown_language_and_campaign(client, people, audited):
    login(client, people["staff"])
    assert client.get(f"/reports/self-assessment/{audited['a']}.pdf?lang=de").status_code == 400
    assert client.get("/reports/sector/9999.pdf").status_code == 404


def test_the_reports_page_offers_what_the_user_may_get(client, people, audited):
    login(client, people["manager"])
    page = client.get("/reports/").get_data(as_text=True)
    assert "Self-assessment report" in page and "Pre-audit report" in page
    assert "MEM-A" in page and "MEM-B" not in page
    assert 'name="names"' not in page and "sector-campaign" not in page
    switch(client, people["staff"])
    page = client.get("/reports/").get_data(as_text=True)
    assert "sector-campaign" in page and 'name="names"' in page


def test_the_forms_lead_to_the_reports(client, people, audited):
    login(client, people["staff"])
    response = client.get(f"/reports/generate?report=pre_audit&assessment={audited['a']}"
                          "&lang=nl")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/pre-audit/{audited['a']}.pdf"
                                                 "?lang=nl")
    response = client.get(f"/reports/generate?report=sector&campaign={audited['campaign']}"
                          "&lang=fr&names=1")
    assert response.headers["Location"].endswith(
        f"/reports/sector/{audited['campaign']}.pdf?lang=fr&names=1")
    response = client.get("/reports/generate?report=sector", follow_redirects=True)
    assert "Choose a report and what it is about." in response.get_data(as_text=True)
