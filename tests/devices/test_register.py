"""The register: figures per month and family, retention ends, CSV, the statement PDF,
a constant number of queries, and another member's statements a 404."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from bench.harness import counting_queries
from compliance import clock
from compliance.devices.services import receive_statements
from compliance.extensions import db
from tests.conftest import login, post
from tests.devices.conftest import TODAY, member_named, payload


def receive(code: str, payloads: list[dict]) -> list[int]:
    results = receive_statements(member_named(code), payloads, actor_label="Practice X")
    db.session.commit()
    return [r.statement.id for r in results]


def batch(count: int, *, start: int = 0) -> list[dict]:
    """``count`` statements over three months; every fifth lacks its characteristics,
    every fourth has no handover date."""
    payloads = []
    for n in range(start, start + count):
        month = ("2026-09", "2026-10", "2026-11")[n % 3]
        data = payload(external_id=f"ORD-{n}", delivery_date=f"{month}-02",
                       handover_date=None if n % 4 == 0 else f"{month}-05")
        data["device"] = {**data["device"], "family": ("orthosis", "insole")[n % 2]}
        if n % 5 == 0:
            del data["characteristics"]
        payloads.append(data)
    return payloads


@pytest.fixture
def register(app, people):
    with app.app_context(), clock.frozen(TODAY):
        ids = receive("MEM-A", batch(30))
        other = receive("MEM-B", [payload(external_id="B-1")])
        return {"a": member_named("MEM-A").id, "b": member_named("MEM-B").id,
                "ids": ids, "other": other[0]}


def test_the_register_shows_months_families_and_statements(app, client, people, register):
    login(client, people["manager"])
    with clock.frozen(TODAY):
        page = client.get(f"/members/{register['a']}/statements").get_data(as_text=True)
    # 30 statements: 10 a month; incomplete n % 5 == 0, no handover n % 4 == 0
    months = page[page.index("register-months"):page.index("register-families")]
    assert "2026-11" in months and "2026-09" in months
    november = months[months.index(">2026-11<"):]
    cells = [c.split("<")[0] for c in november.split('class="num">')[1:5]]
    n_nov = [n for n in range(30) if n % 3 == 2]
    assert cells[0] == str(len(n_nov))
    families = page[page.index("register-families"):page.index("register-statements")]
    assert "Orthosis" in families and "Insole" in families
    assert "30 statements" in page
    assert "Specific characteristics as prescribed" in page  # what an incomplete one lacks


def test_figures_per_month_are_exact(app, people, register):
    from compliance.devices import queries

    with app.app_context():
        months = {f.key: f for f in queries.by_month(register["a"])}
        assert set(months) == {"2026-09", "2026-10", "2026-11"}
        for index, key in enumerate(("2026-09", "2026-10", "2026-11")):
            ns = [n for n in range(30) if n % 3 == index]
            figures = months[key]
            assert figures.received == len(ns)
            assert figures.incomplete == sum(1 for n in ns if n % 5 == 0)
            assert figures.complete == len(ns) - figures.incomplete
            assert figures.no_handover == sum(1 for n in ns if n % 4 == 0)
        last = queries.last_months(register["a"], TODAY)
        assert (last.received, last.incomplete) == (30, 6)


def test_filter_and_pages(app, client, people, register):
    login(client, people["contributor"])
    page = client.get(f"/members/{register['a']}/statements?month=2026-11&incomplete=1")
    text = page.get_data(as_text=True)
    listed = text[text.index("register-statements"):]
    assert "ORD-5<" in listed and "ORD-20<" in listed and "ORD-10<" not in listed
    assert "ORD-2<" not in listed  # complete


def test_the_register_makes_the_same_queries_at_any_size(app, client, people, register):
    login(client, people["manager"])
    url = f"/members/{register['a']}/statements"
    client.get(url)
    with counting_queries(app) as small:
        assert client.get(url).status_code == 200
    with app.app_context(), clock.frozen(TODAY):
        receive("MEM-A", batch(300, start=1000))
    with counting_queries(app) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small) <= 10


@pytest.mark.parametrize("role", ["manager_b"])
def test_another_members_register_is_a_404(app, client, people, register, role):
    login(client, people[role])
    a, sid = register["a"], register["ids"][0]
    for url in (f"/members/{a}/statements", f"/members/{a}/statements.csv",
                f"/members/{a}/statements/{sid}", f"/members/{a}/statements/{sid}.pdf"):
        assert client.get(url).status_code == 404, url
    # their own statement under another member's address is a 404 too
    client = app.test_client()
    login(client, people["manager"])
    assert client.get(f"/members/{a}/statements/{register['other']}").status_code == 404


def test_staff_and_the_assigned_consultant_read_the_register(app, client, people, register):
    for role, code in (("consultant", 200), ("staff", 200)):
        client = app.test_client()
        login(client, people[role])
        assert client.get(f"/members/{register['a']}/statements").status_code == code
        listing = client.get("/statements").get_data(as_text=True)
        assert "MEM-A" in listing
    client = app.test_client()
    login(client, people["consultant"])  # not assigned to MEM-B
    assert client.get(f"/members/{register['b']}/statements").status_code == 404
    client = app.test_client()
    login(client, people["manager"])
    assert client.get("/statements").headers["Location"].endswith(
        f"/members/{register['a']}/statements")


def test_the_csv_has_every_statement_with_words(app, client, people, register):
    login(client, people["manager"])
    response = client.get(f"/members/{register['a']}/statements.csv?month=2026-10")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("External identifier,Month,Device family")
    rows = lines[1:]
    assert len(rows) == 10 and all(",2026-10," in row for row in rows)
    ord_0 = next(r for r in rows if r.startswith("ORD-1,"))
    assert "Orthosis" not in ord_0 and "Insole" in ord_0  # n=1: insole
    assert "2036-10-05" in ord_0  # retention end: 10 years after handover


def test_the_csv_is_in_the_readers_language(app, client, people, register):
    login(client, people["manager"])
    post(client, "/language", {"locale": "fr"})
    text = client.get(f"/members/{register['a']}/statements.csv").get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("Identifiant externe;Mois;")


@pytest.mark.parametrize(("language", "words"), [
    ("nl", ["Verklaring voor een hulpmiddel naar maat", "PT-00017", "Steunzool",
            "uitsluitend bestemd"]),
    ("fr", ["Déclaration relative à un dispositif sur mesure", "Semelle orthopédique",
            "usage exclusif"]),
    ("en", ["Statement for a custom-made device", "exclusive use", "Insole"]),
])
def test_the_statement_pdf_in_the_patients_language(app, client, people, register,
                                                    language, words):
    login(client, people["manager"])
    sid = register["ids"][1]  # complete; patient language nl
    url = f"/members/{register['a']}/statements/{sid}.pdf"
    response = client.get(url if language == "nl" else f"{url}?lang={language}")
    assert response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    for word in words:
        assert word in text, word


def test_an_incomplete_statement_pdf_says_what_is_missing(app, client, people, register):
    login(client, people["manager"])
    sid = register["ids"][0]  # n=0: no characteristics
    response = client.get(f"/members/{register['a']}/statements/{sid}.pdf?lang=en")
    text = " ".join(" ".join(p.extract_text() for p in
                             PdfReader(io.BytesIO(response.data)).pages).split())
    assert "Incomplete statement. Missing: Specific characteristics as prescribed" in text


def test_the_statement_page_lists_elements_and_missing(app, client, people, register):
    login(client, people["manager"])
    page = client.get(f"/members/{register['a']}/statements/{register['ids'][0]}")
    text = page.get_data(as_text=True)
    assert "Incomplete: missing" in text and "Dr. A. Claes" in text and "PT-00017" in text


@pytest.mark.parametrize(("language", "words"), [
    ("nl", ["Verklaringen van hulpmiddelen", "Per maand", "Orthese", "Steunzool"]),
    ("fr", ["Déclarations de dispositifs", "Par mois", "Orthèse", "Semelle orthopédique"]),
])
def test_the_register_in_the_readers_language(app, client, people, register, language, words):
    login(client, people["manager"])
    post(client, "/language", {"locale": language})
    page = client.get(f"/members/{register['a']}/statements").get_data(as_text=True)
    for word in words:
        assert word in page, word
