"""The PDFs: what a reader sees in them (pypdf's text), fonts, pages, bookmarks,
metadata, and that poppler renders them."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader

from compliance.assessments.models import Assessment
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.members.models import Member
from compliance.reports.common import render_report
from compliance.reports.pdf import FONT, printable, register_fonts, wrap
from compliance.reports.pre_audit import build_pre_audit_report
from compliance.reports.sector import build_sector_report
from compliance.reports.self_assessment import build_self_assessment_report

PDFTOPPM = "/usr/bin/pdftoppm"
FRENCH_AND_DUTCH = "éèêëàâçîïôûùüœŒ«»€’–—ÉÈÀÇ"


def pages(pdf: bytes) -> list[str]:
    """Each page's text, with runs of white space (line breaks of wrapped cells, no-break
    spaces) made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def text(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def said(app, language: str, msgid: str, **values) -> str:
    """A text as the catalogues give it in that language (the reports' own texts are
    English until the translators add them)."""
    with app.test_request_context(), force_locale(language):
        return gettext(msgid, **values)


def build(app, ids, kind: str, language: str, **kwargs) -> tuple[object, bytes]:
    with app.app_context():
        if kind == "sector":
            data = build_sector_report(db.session.get(Campaign, ids["campaign"]), language,
                                       **kwargs)
        else:
            builder = {"self": build_self_assessment_report, "pre": build_pre_audit_report}[kind]
            data = builder(db.session.get(Assessment, ids["a"]), language)
        return data, render_report(data)


def member_identities(app) -> list[str]:
    with app.app_context():
        members = db.session.query(Member).all()
        return [v for m in members for v in (m.name, m.enterprise_number,
                                             m.enterprise_number.replace(".", ""))]


def test_the_bundled_font_covers_french_and_dutch():
    register_fonts()
    from reportlab.pdfbase import pdfmetrics

    covered = pdfmetrics.getFont(FONT).face.charToGlyph
    assert [c for c in FRENCH_AND_DUTCH if ord(c) not in covered] == []


def test_characters_the_font_lacks_are_replaced():
    assert printable("Gödöllő → Ørsted\u202f€") == "Gödöllo ? Ørsted\u00a0€"
    assert printable("plain") == "plain"


def test_wrapped_lines_fit_their_cell():
    from compliance.reports.pdf import CELL_PADDING, CELL_SIZE, METRICS

    long = "Conservation de la déclaration et de la documentation " * 4 + "x" * 120
    for line in wrap(long, 120).split("\n"):
        assert METRICS[FONT].width(line) * CELL_SIZE <= 120 - 2 * CELL_PADDING + 0.01
    assert wrap("Auto-évaluation", 60).split("\n") == ["Auto-", "évaluation"]


def test_self_assessment_pdf_in_french(app, audited):
    data, pdf = build(app, audited, "self", "fr")
    content = text(pdf)
    for expected in ("Un PRRC est désigné", "Les responsabilités sont écrites",
                     "La direction revoit le système chaque année",  # the manual, in French
                     "Exigence", "Conforme", "Partiellement conforme", "Organisation",
                     "Désignation signée par la gérante.", "Désignation du PRRC",
                     "designation-prrc.pdf", data.chapters[0].answers[0].evidence[0].sha256,
                     "Workshop MEM-A", "93 %", "88 %", "100 %"):
        assert expected in content, expected
    assert "A PRRC is designated" not in content


def test_pre_audit_pdf_in_french(app, audited):
    _, pdf = build(app, audited, "pre", "fr")
    content = text(pdf)
    for expected in ("Pas prêt", "Non-conformité majeure (1)", "Non-conformité mineure (1)",
                     "La direction revoit le système chaque année", "MDR Art. 10(9)",
                     "Aucune revue de direction en 2025.", "Organigramme incomplet pour "
                     "l'atelier.", "Références légales", "50 %", "93 %", "+43",
                     "Signé par Eva Janssens le", "Ouverte", "en retard"):
        assert expected in content, expected
    assert "Preview" not in content


def test_pre_audit_pdf_in_dutch(app, audited):
    _, pdf = build(app, audited, "pre", "nl")
    content = text(pdf)
    for expected in ("Niet klaar", "Grote non-conformiteit", "Kleine non-conformiteit",
                     "De directie beoordeelt het systeem jaarlijks", "Wettelijke referenties",
                     "Ondertekend door Eva Janssens op"):
        assert expected in content, expected


def test_a_preview_says_so(app, reviewed):
    _, pdf = build(app, reviewed, "pre", "en")
    assert "Preview: this pre-audit is not completed" in text(pdf)


def test_anonymised_sector_pdf_holds_no_names(app, audited):
    _, pdf = build(app, audited, "sector", "fr")
    content = text(pdf)
    for identity in member_identities(app):
        assert identity not in content
        assert identity.encode() not in pdf  # nor in the metadata
    assert "MEM-A" not in content and "MEM-B" not in content
    for expected in ("Membre 01", "Membre 02", "Membres par état", "Lacunes les plus fréquentes",
                     "La direction revoit le système chaque année",
                     said(app, "fr", "Anonymised: each member is shown by a pseudonym that "
                          "holds for this report only, and a region of fewer than three "
                          "members is shown as “Other”. The report holds no member codes, no "
                          "names and no enterprise numbers.")):
        assert " ".join(expected.split()) in content, expected


def test_sector_pdf_with_names_says_so_on_its_cover(app, audited):
    _, pdf = build(app, audited, "sector", "en", anonymised=False)
    cover = pages(pdf)[0]
    assert "Not anonymised: this report shows member names" in cover
    content = text(pdf)
    for identity in member_identities(app)[:2]:
        assert identity in content


@pytest.mark.parametrize("kind", ["self", "pre", "sector"])
def test_pages_are_numbered_x_of_y(app, audited, kind):
    _, pdf = build(app, audited, kind, "en")
    texts = pages(pdf)
    total = len(texts)
    for number, page in enumerate(texts, start=1):
        assert re.findall(r"page (\d+) / (\d+)", page) == [(str(number), str(total))]


@pytest.mark.parametrize("kind", ["self", "pre", "sector"])
def test_fonts_are_embedded_truetype(app, audited, kind):
    _, pdf = build(app, audited, kind, "nl")
    reader = PdfReader(io.BytesIO(pdf))
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen.add(font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    assert seen and all("BitstreamVeraSans" in str(name) for name in seen)  # subsets


@pytest.mark.parametrize(("kind", "language", "title"), [
    ("self", "fr", "Self-assessment report"), ("pre", "nl", "Pre-audit report"),
    ("sector", "en", "Sector readiness report")])
def test_metadata(app, audited, kind, language, title):
    data, pdf = build(app, audited, kind, language)
    reader = PdfReader(io.BytesIO(pdf))
    meta = reader.metadata
    assert meta.title == said(app, language, title)
    assert meta.author and meta.subject
    assert data.fingerprint in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == language
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    assert said(app, language, "Fingerprint %(fingerprint)s",
                fingerprint=data.fingerprint) in pages(pdf)[-1]


def test_bookmarks_point_to_their_pages(app, audited):
    _, pdf = build(app, audited, "self", "fr")
    reader = PdfReader(io.BytesIO(pdf))
    flat = []

    def walk(entries, level=0):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, level + 1)
            else:
                flat.append((level, entry.title, reader.get_destination_page_number(entry)))

    walk(reader.outline)
    titles = [title for _, title, _ in flat]
    assert "ORG — Organisation" in titles and "MGT — Revue de direction" in titles
    assert said(app, "fr", "Summary") in titles and said(app, "fr", "Open items") in titles
    texts = pages(pdf)
    for level, title, page in flat:
        assert " ".join(title.split()) in texts[page], (title, page)
        if title.startswith(("ORG", "MGT")):
            assert level == 1


def test_long_text_and_many_rows_split_across_pages(app, audited):
    """A comment longer than a page is cut, rows never lose their evidence line, and
    every page still renders."""
    data, _ = build(app, audited, "self", "en")
    first = data.chapters[0].answers[0]
    many = tuple(replace(first, key=f"ORG-{i:03d}", comment="word " * (3000 if i == 5 else 20))
                 for i in range(120))
    big = replace(data, chapters=(replace(data.chapters[0], answers=many),
                                  *data.chapters[1:]))
    pdf = render_report(big)
    texts = pages(pdf)
    assert len(texts) > 5
    assert sum(len(re.findall(r"SHA-256 [0-9a-f]{16}", page)) for page in texts) == 120
    for page in texts:  # the evidence line is never alone at the top of a page
        body = page.split("Comment", 1)[-1].strip()
        assert not body.startswith("Evidence")


@pytest.mark.parametrize("kind", ["self", "pre", "sector"])
def test_poppler_renders_every_page(app, audited, kind, tmp_path: Path):
    if not Path(PDFTOPPM).exists() or not shutil.which(PDFTOPPM):
        if os.environ.get("REQUIRE_POPPLER"):
            pytest.fail(f"{PDFTOPPM} is missing and REQUIRE_POPPLER is set")
        pytest.skip(f"poppler's {PDFTOPPM} is not installed (apt-get install poppler-utils)")
    _, pdf = build(app, audited, kind, "fr")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([PDFTOPPM, "-r", "50", "-png", str(path), str(tmp_path / "page")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert len(list(tmp_path.glob("page*.png"))) == len(pages(pdf))
