"""Campaign titles in fr, nl and en, and long ones never overprint in the PDFs: every
piece of text on every page has its own box (positions read from the PDF with pypdf,
widths from the embedded font's metrics)."""

from __future__ import annotations

import io
from itertools import combinations

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from compliance.assessments.models import Assessment
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.reports.common import render_report
from compliance.reports.pdf import BOLD, FONT
from compliance.reports.sector import build_sector_report
from compliance.reports.self_assessment import build_self_assessment_report

LONG = ("Auto-évaluation annuelle des ateliers orthopédiques membres de l'association, "
        "conformément au règlement (UE) 2017/745 relatif aux dispositifs médicaux sur "
        "mesure — campagne de printemps")


def text_boxes(pdf: bytes) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, each text run's box (x0, y0, x1, y1, text) in page coordinates."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        boxes = []

        def visit(text, cm, tm, font, size, boxes=boxes):  # noqa: ANN001
            if not text.strip() or font is None:
                return
            scale = (tm[0] * cm[0]) or 1
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            real = size * abs(scale)
            name = BOLD if "Bold" in str(font.get("/BaseFont")) else FONT
            for line in text.strip("\n").split("\n"):
                width = stringWidth(line, name, real)
                boxes.append((x, y - 0.2 * real, x + width, y + 0.75 * real, line))

        page.extract_text(visitor_text=visit)
        pages.append(boxes)
    return pages


def overlaps(boxes) -> list[tuple[str, str]]:  # noqa: ANN001
    found = []
    for a, b in combinations(boxes, 2):
        if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
            found.append((a[4], b[4]))
    return found


@pytest.fixture
def long_title(app, audited):
    assert len(LONG) <= 200  # as long as a title may be
    with app.app_context():
        campaign = db.session.get(Campaign, audited["campaign"])
        campaign.title_fr = LONG
        campaign.title_nl = "Jaarlijkse zelfevaluatie"
        db.session.commit()
    return audited


def header_boxes(pdf: bytes) -> list[list[tuple]]:
    """The running header's texts: those above the body frame."""
    return [[b for b in page if b[1] > 780] for page in text_boxes(pdf)]


@pytest.mark.parametrize("kind", ["sector", "self"])
def test_a_long_title_never_overprints_the_header(app, long_title, kind):
    with app.app_context():
        if kind == "sector":
            data = build_sector_report(db.session.get(Campaign, long_title["campaign"]), "fr")
        else:
            data = build_self_assessment_report(db.session.get(Assessment, long_title["a"]),
                                                "fr")
        pdf = render_report(data)
    shown = data.campaign_title if kind == "sector" else data.cover.campaign_title
    assert shown == LONG  # the French reader's title
    pages = header_boxes(pdf)
    assert len(pages) > 1 and all(len(page) == 2 for page in pages[1:])
    for number, page in enumerate(pages, start=1):
        assert not overlaps(page), (number, overlaps(page))
        assert all(box[2] <= 595.3 - 18 * 72 / 25.4 + 0.5 for box in page)  # inside the margin
    assert any(box[4].endswith("…") for box in pages[1])  # cut, said so


def test_no_text_overprints_another_on_the_sector_report(app, long_title):
    with app.app_context():
        pdf = render_report(build_sector_report(
            db.session.get(Campaign, long_title["campaign"]), "fr"))
    for number, page in enumerate(text_boxes(pdf), start=1):
        assert not overlaps(page), (number, overlaps(page)[:3])


def test_each_reader_sees_the_title_in_their_language(app, long_title):
    with app.app_context():
        campaign = db.session.get(Campaign, long_title["campaign"])
        assert campaign.title_in("fr") == LONG
        assert campaign.title_in("nl") == "Jaarlijkse zelfevaluatie"
        assert campaign.title_in("en") == campaign.title == "Campaign 2026"  # the fallback
