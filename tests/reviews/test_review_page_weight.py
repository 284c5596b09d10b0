"""The review page with the whole shipped manual (2026.2, all 140 requirements; the
demo's DEMO-B answers): at most 250 KiB in each language, before and after every verdict,
the complete list of requirements without a verdict, and a fixed number of queries."""

import re

import pytest
from sqlalchemy import event

from compliance.assessments.models import Assessment
from compliance.extensions import db
from compliance.reviews.services import VerdictInput, save_verdicts
from tests.conftest import login
from tests.reviews.review_world import PASSWORD, demo_b_submitted, user

LIMIT = 250 * 1024


@pytest.fixture
def heaviest(app, db):
    return demo_b_submitted(app, newest=True, everything=True)


def sizes(client, url) -> dict[str, int]:
    return {language: len(client.get(url, headers={"Accept-Language": language}).data)
            for language in ("fr", "nl", "en")}


def test_the_whole_manual_weighs_at_most_250_kib(app, client, heaviest):
    login(client, "consultant@demo.example", PASSWORD)
    url = f"/reviews/{heaviest}"
    html = client.get(url).get_data(as_text=True)
    assert len(re.findall(r"<section class=\"requirement", html)) == 140
    missing = html[html.index('class="missing"'):]
    assert len(re.findall(r"<li>", missing[:missing.index("</ul>")])) == 140  # all of them
    before = sizes(client, url)
    with app.app_context():
        assessment = db.session.get(Assessment, heaviest)
        consultant = user("consultant@demo.example")
        save_verdicts(assessment, [
            VerdictInput(answer, "minor_nc" if i % 3 else "not_applicable",
                         comment="Deux dossiers sans déclaration signée à l'annexe XIII.",
                         reason="Pas de fabrication de ce type dans l'atelier.",
                         change_request="Compléter les déclarations manquantes.")
            for i, answer in enumerate(a for a in assessment.answers if a.included)],
            actor=consultant)
        db.session.commit()
    after = sizes(client, url)
    print(f"review page, 140 requirements: before {before}, after {after} bytes")
    assert max(before.values()) <= LIMIT, before
    assert max(after.values()) <= LIMIT, after


def test_the_page_reads_a_fixed_number_of_queries(app, client, heaviest):
    login(client, "consultant@demo.example", PASSWORD)
    url = f"/reviews/{heaviest}"
    client.get(url)  # the requirement texts are written once and kept
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
        whole = len(statements)
        statements.clear()
        assert client.get(url + "?chapter=ORG").status_code == 200
        chapter = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    print(f"queries: whole manual {whole}, one chapter {chapter}")
    # A chapter without requirements on statements skips the register's figures.
    assert whole <= 30 and chapter <= whole
