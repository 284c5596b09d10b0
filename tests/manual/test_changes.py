"""What changed, visible: the release notes and, per requirement, the difference from the
previous version (through the key map, texts word by word in the reader's language), and
the basis of each requirement, in fr, nl and en."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from compliance.manual.loader import load_manuals
from compliance.manual.models import ManualVersion
from compliance.manual.services import import_manuals
from tests.conftest import login

DATA = Path(__file__).parent.parent / "data"
SHIPPED = Path(__file__).parent.parent.parent / "checklists" / "mdr-cmd"


@pytest.fixture
def carry_versions(app, db, people):
    with app.app_context():
        old, new = (r.version.id for r in import_manuals(load_manuals(DATA / "manual-carry")))
        db.session.commit()
        return {"old": old, "new": new}


def page(client, url, language):
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("language", "notes", "link"), [
    ("en", "ORG-03 becomes PUR-01", "What changed since version 1.0, requirement by requirement"),
    ("fr", "ORG-03 devient PUR-01", "Ce qui a changé depuis la version 1.0, exigence par exigence"),
    ("nl", "ORG-03 wordt PUR-01", "Wat er veranderd is sinds versie 1.0, vereiste per vereiste"),
])
def test_the_version_page_shows_its_release_notes(client, people, carry_versions, language,
                                                  notes, link):
    login(client, people["manager"])
    html = page(client, f"/manual/{carry_versions['new']}/", language)
    assert notes in html and link in html
    assert f'href="/manual/{carry_versions["new"]}/changes"' in html


@pytest.mark.parametrize(("language", "added", "merged", "renamed", "removed_note"), [
    ("en", "<ins>and responsibilities are written down</ins>",
     "Brings together ORG-01, ORG-02 of version 1.0.", "Was ORG-03 in version 1.0.",
     "Not a requirement."),
    ("fr", "<ins>et les responsabilités sont écrites</ins>",
     "Regroupe ORG-01, ORG-02 de la version 1.0.", "Était ORG-03 dans la version 1.0.",
     "Pas une exigence."),
    ("nl", "<ins>en de verantwoordelijkheden zijn beschreven</ins>",
     "Brengt ORG-01, ORG-02 uit versie 1.0 samen.", "Was ORG-03 in versie 1.0.",
     "Geen eis."),
])
def test_the_changes_page_diffs_each_requirement_in_the_readers_language(
        client, people, carry_versions, language, added, merged, renamed, removed_note):
    login(client, people["contributor"])
    html = page(client, f"/manual/{carry_versions['new']}/changes", language)
    assert added in html  # ORG-01's title, word by word
    assert merged in html and renamed in html
    assert "<ins>EN ISO 13485:2016 §5.5.1</ins>" in html  # a reference ORG-01 gained
    assert 'id="MGT-03"' in html and removed_note in html  # removed, with the map's note
    assert 'id="MGT-01"' not in html  # unchanged: only with "every requirement"
    everything = page(client, f"/manual/{carry_versions['new']}/changes?show=all", language)
    assert 'id="MGT-01"' in everything


def test_the_changes_page_filters_by_chapter(client, people, carry_versions):
    login(client, people["staff"])
    url = f"/manual/{carry_versions['new']}/changes"
    html = page(client, url + "?chapter=MGT", "en")
    assert 'id="MGT-04"' in html and 'id="MGT-03"' in html and 'id="ORG-01"' not in html
    assert "Split from MGT-02 of version 1.0." in html
    assert client.get(url + "?chapter=NOPE").status_code == 404


@pytest.mark.parametrize(("language", "law", "merged"), [
    ("en", "Law", "Merged"), ("fr", "Loi", "Fusionnée"), ("nl", "Wet", "Samengevoegd")])
def test_the_chapter_page_shows_basis_and_change(client, people, carry_versions, language,
                                                 law, merged):
    login(client, people["manager"])
    html = page(client, f"/manual/{carry_versions['new']}/chapters/ORG", language)
    assert 'basis-law" title="' in html and f">{law}<" in html
    assert f'<span class="badge badge-change">{merged}</span>' in html
    assert f'href="/manual/{carry_versions["new"]}/changes?chapter=ORG#ORG-01"' in html
    unchanged = page(client, f"/manual/{carry_versions['new']}/chapters/MGT", language)
    mgt01 = unchanged.split('id="MGT-01"')[1].split("</section>")[0]
    assert "badge-change" not in mgt01  # unchanged: nothing to say


def test_the_first_version_has_nothing_to_compare(client, people, carry_versions):
    login(client, people["staff"])
    html = page(client, f"/manual/{carry_versions['old']}/changes", "en")
    assert "This is the first version of the manual: there is nothing to compare with." in html


SHIPPED_WORDS = {
    "en": ("The association's good practice: recommended, not a legal duty.",
           "part of their appointment"),
    "fr": ("Bonne pratique de l'association : recommandée, ce n'est pas une obligation "
           "légale.", "fait partie de sa désignation"),
    "nl": ("Goede praktijk van de vereniging: aanbevolen, geen wettelijke verplichting.",
           "hoort bij haar aanstelling"),
}


def test_the_shipped_2026_2_in_the_browser(app, client, people):
    with app.app_context():
        from compliance.extensions import db

        import_manuals(load_manuals(SHIPPED))
        db.session.commit()
        new = db.session.scalar(select(ManualVersion).where(ManualVersion.version == "2026.2"))
        version_id = new.id
    login(client, people["manager"])
    for language, (good_practice, note) in SHIPPED_WORDS.items():
        overview = page(client, f"/manual/{version_id}/", language)
        assert good_practice in overview and 'id="retention-statement"' in overview
        changes = page(client, f"/manual/{version_id}/changes?chapter=ORG", language)
        assert note in changes  # why HR-08 was merged into ORG-03, from the key map
        assert 'id="ORG-03"' in changes
        hr = page(client, f"/manual/{version_id}/chapters/HR", language)
        assert "basis-good_practice" in hr  # HR-09 (hygiene training) is good practice


def test_the_pages_run_as_many_queries_for_140_requirements_as_for_5(app, client, people,
                                                                     carry_versions):
    """The changes and chapter pages read each version once, whatever its size."""
    from bench.harness import counting_queries
    from compliance.extensions import db

    with app.app_context():
        import_manuals(load_manuals(SHIPPED))
        db.session.commit()
        shipped = db.session.scalar(select(ManualVersion).where(
            ManualVersion.version == "2026.2")).id
    login(client, people["staff"])
    counts = {}
    for name, version_id in (("small", carry_versions["new"]), ("shipped", shipped)):
        for url in (f"/manual/{version_id}/changes?show=all",
                    f"/manual/{version_id}/chapters/ORG"):
            client.get(url)  # warm up
            with counting_queries(app) as statements:
                assert client.get(url).status_code == 200
            counts[name, url.split("/")[3][:7]] = len(statements)
    print(counts)
    assert counts["small", "changes"] == counts["shipped", "changes"] <= 12
    assert counts["small", "chapter"] == counts["shipped", "chapter"] <= 12
