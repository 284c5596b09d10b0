"""The manual browser in fr, nl and en."""

import pytest

from tests import factories
from tests.conftest import login


@pytest.fixture
def version_id(app, db, manual_path, people):
    with app.app_context():
        version = factories.manual(manual_path)
        db.session.commit()
        return version.id


@pytest.mark.parametrize(("language", "title", "evidence"), [
    ("nl", "Er is een PRRC aangeduid", "Verwacht bewijs"),
    ("fr", "Un PRRC est désigné", "Preuves attendues"),
    ("en", "A PRRC is designated", "Expected evidence"),
])
def test_chapter_page_in_each_language(client, people, version_id, language, title, evidence):
    login(client, people["staff"])
    page = client.get(f"/manual/{version_id}/chapters/ORG",
                      headers={"Accept-Language": language})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<html lang="{language}">' in html
    assert title in html and evidence in html
    assert "MDR Art. 15(1)" in html


def test_version_page_lists_chapters_with_counts(client, people, version_id):
    login(client, people["manager"])
    html = client.get(f"/manual/{version_id}/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Organisation" in html and "Management review" in html
    assert "<strong>4</strong> requirements" in html
    assert "<strong>3</strong> major" in html


def test_profile_filter_shows_what_applies(client, people, version_id):
    login(client, people["staff"])
    url = f"/manual/{version_id}/chapters/MGT"
    all_html = client.get(url).get_data(as_text=True)
    assert "MGT-02" in all_html
    insoles = client.get(url + "?activity=insoles").get_data(as_text=True)
    assert "MGT-01" in insoles and 'id="MGT-02"' not in insoles
    assert "1 of 2 requirements apply" in insoles


def test_unknown_chapter_or_version_is_404(client, people, version_id):
    login(client, people["staff"])
    assert client.get(f"/manual/{version_id}/chapters/NOPE").status_code == 404
    assert client.get(f"/manual/{version_id + 99}/").status_code == 404


def test_manual_needs_login(client, version_id):
    page = client.get(f"/manual/{version_id}/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
