"""The sector dashboard's four charts: shapes computed on the server (pure functions),
drawn as inline SVG without script, each with its figures as text; members by
pseudonym unless staff ask for names; readiness in colours that mean what they say."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from compliance.audit import AuditEvent
from compliance.campaigns.models import Campaign
from compliance.dashboard import charts
from compliance.extensions import db
from compliance.reports.charts import TONES
from tests.conftest import login, post
from tests.reports.conftest import audited, reviewed  # noqa: F401  the pre-audited world

SVG = re.compile(r'<svg class="chart"[^>]*>.*?</svg>', re.S)
RECT = re.compile(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" '
                  r'class="t-([\w-]+)"/>')


# the shapes ------------------------------------------------------------------------------

def test_a_bar_is_as_long_as_its_share_and_coloured_by_its_meaning():
    chart = charts.bar_chart("readiness", [("Ready", 1, "ready"), ("Nearly ready", 0,
                                                                    "nearly_ready"),
                                           ("Not ready", 3, "not_ready")], 4)
    tracks = [b for b in chart.boxes if b.tone == "track"]
    bars = {b.tone: b for b in chart.boxes if b.tone != "track"}
    assert set(bars) == {"ready", "not_ready"}  # no bar for zero
    assert bars["not_ready"].width == pytest.approx(tracks[0].width * 3 / 4)
    assert bars["ready"].width == pytest.approx(tracks[0].width / 4)
    assert [t.text for t in chart.texts if t.tone == "muted"] == ["1 (25 %)", "0 (0 %)",
                                                                  "3 (75 %)"]
    # "not ready" is red, "ready" green, on paper as on the page
    assert TONES["not_ready"].red > 0.6 > TONES["not_ready"].green
    assert TONES["ready"].green > TONES["ready"].red


def test_heat_map_cells_take_their_score_band():
    chart = charts.heat_map(["ORG", "MGT"], [("Member 01", [85.0, 59.9]),
                                             ("Member 02", [None, 60.0])])
    cells = [b.tone for b in chart.boxes]
    assert cells == ["band-high", "band-low", "band-none", "band-mid"]
    texts = [t.text for t in chart.texts]
    assert texts == ["ORG", "MGT", "Member 01", "85", "60", "Member 02", "–", "60"]


def test_stacked_parts_fill_the_bar_in_the_legend_order():
    legend = [("ready", "Ready"), ("nearly_ready", "Nearly"), ("not_ready", "Not"),
              ("pending", "Pending")]
    chart = charts.stacked_chart("trend", [("2025", (1, 0, 2, 1)), ("2026", (0, 0, 0, 4))],
                                 legend)
    first = [b for b in chart.boxes if b.y == 4 and b.tone != "track"]
    track = next(b for b in chart.boxes if b.tone == "track")
    assert [b.tone for b in first] == ["ready", "not_ready", "pending"]
    assert sum(b.width for b in first) == pytest.approx(track.width)
    assert first[1].x == pytest.approx(first[0].x + first[0].width)


def test_long_labels_are_cut_to_fit():
    assert charts.clip("Short", 100) == "Short"
    cut = charts.clip("A campaign title far too long for the room left of the bars", 100)
    assert cut.endswith("…") and len(cut) * charts.CHAR <= 100 + charts.CHAR


# the page --------------------------------------------------------------------------------

def page(client, query: str = "", language: str = "en") -> str:
    response = client.get(f"/dashboard/sector{query}", headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("language", "titles"), [
    ("en", ("Members by state", "Readiness after pre-audit", "Members by chapter",
            "Readiness across campaigns")),
    ("fr", ("Membres par état", "État de préparation après pré-audit",
            "Membres par chapitre", "Préparation d'une campagne à l'autre")),
    ("nl", ("Leden per status", "Paraatheid na pre-audit", "Leden per hoofdstuk",
            "Paraatheid van campagne tot campagne"))])
def test_four_charts_each_with_its_figures(app, client, people, audited, language,  # noqa: F811
                                           titles):
    login(client, people["staff"])
    body = page(client, language=language)
    svgs = [html.unescape(svg) for svg in SVG.findall(body)]
    assert len(svgs) == 4 and "<script" not in body
    for svg, title in zip(svgs, titles, strict=True):
        assert 'role="img"' in svg and "<title id=" in svg
        assert title in svg.split("</title>")[0], title
    # the figures as text: the readiness table says 1 not ready of 1 pre-audited
    readiness = svgs[1]
    assert [m[3] for m in RECT.findall(readiness) if m[3] != "track"] == ["not_ready"]
    assert "<table class=\"visually-hidden\">" in body  # the heat map's numbers


def test_members_by_pseudonym_unless_staff_ask_for_codes(app, client, people,
                                                         audited):  # noqa: F811
    login(client, people["staff"])
    heat = SVG.findall(page(client))[2]
    # MEM-A alone has chapter scores; its number depends on the secret key, not its code
    assert re.search(r">Member 0[12]</text>", heat) and "MEM-A" not in heat
    assert "?campaign=" in page(client) and "names=1" in page(client)
    named = SVG.findall(page(client, f"?campaign={audited['campaign']}&names=1"))[2]
    assert "MEM-A" in named and "Member 0" not in named
    # the heat map's cells: MEM-A's chapter scores after pre-audit (ORG 87.5 → 88, MGT 0)
    assert [m[3] for m in RECT.findall(named)] == ["band-high", "band-low"]


def test_campaign_titles_in_the_readers_language(app, client, people, manual_path):
    from tests import factories

    with app.app_context():
        version_id = factories.manual(manual_path).id
        db.session.commit()
    login(client, people["staff"])
    response = post(client, "/campaigns/new", {
        "title": "Readiness 2027", "title_fr": "Préparation 2027", "title_nl": "",
        "title_en": "  ", "manual_version": str(version_id), "mode": "all",
        "due_date": (date.today() + timedelta(days=60)).isoformat()})
    assert response.status_code == 302
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert campaign.titles == {"fr": "Préparation 2027", "nl": None, "en": None}
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "campaign.created"))
        assert event.after["titles"] == {"fr": "Préparation 2027", "nl": None, "en": None}
    def campaigns(language: str) -> str:
        return client.get("/campaigns/", headers={"Accept-Language": language}).get_data(
            as_text=True)

    assert "Préparation 2027" in campaigns("fr")
    assert "Readiness 2027" in campaigns("nl") and "Préparation 2027" not in campaigns("nl")
    assert '<option value="1" selected>Préparation 2027</option>' in page(client,
                                                                         language="fr")
