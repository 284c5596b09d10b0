"""Anonymous means anonymous: the anonymised sector report shows per-report pseudonyms,
never a member's code, name or enterprise number, and no group small enough to single a
member out (a region of fewer than three members is folded into "other")."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from compliance.campaigns.models import Campaign
from compliance.dashboard.anonymity import OTHER, folded, pseudonym_order
from compliance.extensions import db
from compliance.members.models import Member
from compliance.reports.common import render_report
from compliance.reports.sector import build_sector_report
from tests import factories
from tests.reports.test_pdf import text

# with MEM-A and MEM-B (Flanders) of `people`: Flanders 2, Wallonia 3, Brussels 1
EXTRA = (("ORTHO-NAMUR", "wallonia"), ("ORTHO-LIEGE", "wallonia"),
         ("ORTHO-MONS", "wallonia"), ("ORTHO-BXL", "brussels"))


@pytest.fixture
def sector_members(app, people):
    """More members, made before the campaign of `assessments` so that it asks them."""
    with app.app_context():
        for code, region in EXTRA:
            factories.member(code, name=f"Atelier {code.title()}", region=region)
        db.session.commit()


def identities(app) -> list[str]:
    with app.app_context():
        return [value for m in db.session.query(Member)
                for value in (m.code, m.name, m.enterprise_number,
                              m.enterprise_number.replace(".", ""))]


def test_the_anonymised_pdf_holds_no_identity_and_no_small_group(app, sector_members,
                                                                   audited):
    with app.app_context():
        campaign = db.session.get(Campaign, audited["campaign"])
        data = build_sector_report(campaign, "fr")
        pdf = render_report(data)
        again = build_sector_report(campaign, "fr")
    content = text(pdf)
    for identity in identities(app):
        assert identity not in content, identity
        assert identity.encode() not in pdf, identity  # nor in the metadata
    # Wallonia has three members: shown; Flanders (2) and Brussels (1) are "Autre"
    assert "Wallonie" in content and "Autre" in content
    assert "Flandre" not in content and "Bruxelles" not in content
    assert [m.region for m in data.members].count(OTHER) == 3
    assert all(f"Membre {n:02d}" in content for n in range(1, 7))
    # stable within the report and from one rendering to the next (same fingerprint)
    assert [m.label for m in again.members] == [m.label for m in data.members]
    assert again.fingerprint == data.fingerprint
    # listed in the pseudonyms' order (the codes' order would give them away)
    assert [m.label for m in data.members] == sorted(m.label for m in data.members)


def test_with_names_the_report_shows_codes_and_real_regions(app, sector_members, audited):
    with app.app_context():
        campaign = db.session.get(Campaign, audited["campaign"])
        content = text(render_report(build_sector_report(campaign, "fr", anonymised=False)))
    assert "ORTHO-BXL" in content and "Bruxelles" in content and "Membre 01" not in content


def test_folding_never_leaves_a_small_other():
    assert folded(["a"] * 5 + ["b"] * 3 + ["c"]) == {"a": "a", "b": OTHER, "c": OTHER}
    assert folded(["a"] * 5 + ["b"] * 4 + ["c"] * 3) == {"a": "a", "b": "b", "c": "c"}
    assert folded(["a"] * 2) == {"a": OTHER}  # everyone "other": nothing singled out
    assert folded(["a"] * 3 + ["b"] * 1 + ["c"] * 2) == {"a": "a", "b": OTHER, "c": OTHER}


def test_pseudonyms_depend_on_the_secret_key_and_the_campaign(app, monkeypatch):
    members = list(range(1, 21))
    with app.app_context():
        first = pseudonym_order(members, "campaign:1")
        assert first == pseudonym_order(members, "campaign:1")  # stable
        assert first != pseudonym_order(members, "campaign:2")  # another report, other numbers
        assert first != members  # not the members' own order
        monkeypatch.setitem(app.config, "SECRET_KEY", "another installation")
        assert first != pseudonym_order(members, "campaign:1")


def test_pseudonyms_in_each_language(app):
    from compliance.dashboard.anonymity import pseudonyms

    with app.test_request_context():
        for language, word in (("fr", "Membre"), ("nl", "Lid"), ("en", "Member")):
            with force_locale(language):
                assert sorted(pseudonyms([7, 3], "campaign:1").values()) == [
                    f"{word} 01", f"{word} 02"]
