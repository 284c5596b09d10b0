"""The register's figures beside the requirements about statements and traceability: on
the member's checklist, and on the consultant's pre-audit with incomplete examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import String, cast, select, true

from compliance import clock
from compliance.devices import listeners
from compliance.devices.services import receive_statements
from compliance.extensions import db
from compliance.manual.loader import load_manual
from compliance.manual.models import Requirement
from tests import factories
from tests.conftest import login
from tests.devices.conftest import TODAY, member_named, payload
from tests.reviews.test_pre_audit import submitted  # noqa: F401  (a fixture)

MANUAL = Path(__file__).resolve().parents[2] / "checklists" / "mdr-cmd" / "2026.2"


def test_the_manuals_requirements_about_statements_are_found():
    manual = load_manual(MANUAL)
    found = {r.key for chapter in manual.chapters for r in chapter.requirements
             if listeners.about_statements(list(r.references), list(r.retention or ()))}
    assert found == {"PRD-05", "PRD-13", "PRD-11", "TRC-01", "TRC-07", "TRC-08"}


def test_the_database_lets_through_every_requirement_about_statements(app):
    """The register's figures read only what may_be_about_statements lets through (the
    JSON as stored, on SQLite and PostgreSQL): it must let through all that count."""
    with app.app_context():
        version = factories.manual(MANUAL)
        kept = db.session.execute(select(Requirement.key, Requirement.references,
                                         Requirement.retention).where(
            Requirement.manual_version_id == version.id,
            listeners.may_be_about_statements())).all()
        assert {key for key, references, retention in kept
                if listeners.about_statements(references, retention)} == {
            "PRD-05", "PRD-13", "PRD-11", "TRC-01", "TRC-07", "TRC-08"}
        assert len(kept) < 30  # of 140: a filter, not everything


@pytest.fixture
def statements(app, people, monkeypatch):
    """MEM-A: 4 statements, one incomplete; the test manual's ORG-01 (MDR Art. 15(1))
    stands for a requirement about statements."""
    monkeypatch.setattr(listeners, "about_statements",
                        lambda references, retention: "MDR Art. 15(1)" in references)
    monkeypatch.setattr(listeners, "may_be_about_statements",
                        lambda: cast(Requirement.references, String).contains("Art. 15(1)"))
    with app.app_context(), clock.frozen(TODAY):
        receive_statements(member_named("MEM-A"), [
            payload(external_id=f"ORD-{n}") for n in range(3)] + [
            payload(external_id="ORD-BAD", characteristics=None)], actor_label="X")
        receive_statements(member_named("MEM-B"), [payload(external_id="B-1")],
                           actor_label="X")
        db.session.commit()


def row_of(page: str, key: str) -> str:
    start = page.index(f'id="{key}"') if f'id="{key}"' in page else page.index(f"id={key}>")
    return page[start:page.index("</section>", start)]


def test_the_member_sees_the_figures_beside_the_answer(app, client, people, assessments,
                                                       statements):
    login(client, people["manager"])
    with clock.frozen(TODAY):
        page = client.get(f"/assessments/{assessments['a']}/answers").get_data(as_text=True)
    assert "4 statements, 1 incomplete" in row_of(page, "ORG-01")
    assert "statements" not in row_of(page, "ORG-02")
    assert "ORD-BAD" not in page  # the sample is the consultant's


def test_the_consultant_sees_figures_and_incomplete_examples(app, client, people,
                                                             submitted, statements):  # noqa: F811
    login(client, people["consultant"])
    with clock.frozen(TODAY):
        page = client.get(f"/reviews/{submitted['a']}").get_data(as_text=True)
    row = row_of(page, "ORG-01")
    assert "4 statements, 1 incomplete" in row
    assert "ORD-BAD" in row and "Specific characteristics as prescribed" in row
    assert "ORD-BAD" not in row_of(page, "MGT-01")


def test_another_members_statements_are_not_counted(app, client, people, assessments,
                                                    statements):
    login(client, people["manager_b"])
    with clock.frozen(TODAY):
        page = client.get(f"/assessments/{assessments['b']}/answers").get_data(as_text=True)
    assert "1 statement, 0 incomplete" in row_of(page, "ORG-01")


def test_the_sample_is_shown_once_however_many_requirements_it_concerns(
        app, client, people, submitted, statements, monkeypatch):  # noqa: F811
    monkeypatch.setattr(listeners, "about_statements", lambda references, retention: True)
    monkeypatch.setattr(listeners, "may_be_about_statements", lambda: true())
    login(client, people["consultant"])
    with clock.frozen(TODAY):
        page = client.get(f"/reviews/{submitted['a']}").get_data(as_text=True)
    assert page.count("4 statements, 1 incomplete") > 1  # the figures beside each one
    assert page.count(">ORD-BAD<") == 1  # the examples once, with the first of them
