"""The dashboard's charts (``compliance.dashboard.charts``) drawn with ReportLab
graphics, scaled to the text frame's width: the same shapes, the same meaning of each
colour ("not ready" is red on the page and on paper)."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from compliance.dashboard.charts import Chart
from compliance.reports.pdf import FONT, INK, MUTED, WIDTH, printable

GREEN, AMBER, RED = (colors.HexColor("#1e7b45"), colors.HexColor("#c98a00"),
                     colors.HexColor("#b3261e"))
#: a tone's fill; the stylesheet's ``.chart .t-<tone>`` rules give the same colours
TONES = {
    "track": colors.HexColor("#eef2f6"), "state": colors.HexColor("#0b5c8a"),
    "ready": GREEN, "nearly_ready": AMBER, "not_ready": RED,
    "pending": colors.HexColor("#aab4bf"),
    "band-high": colors.HexColor("#9fd3b2"), "band-mid": colors.HexColor("#f3d77e"),
    "band-low": colors.HexColor("#ee9a9f"), "band-none": colors.HexColor("#f1f3f5"),
    "ink": INK, "muted": MUTED, "on-ready": colors.white, "on-nearly_ready": INK,
    "on-not_ready": colors.white, "on-pending": INK,
}
ANCHORS = {"start": "start", "middle": "middle", "end": "end"}


def drawing(chart: Chart, width: float = WIDTH) -> Drawing:
    """The chart as a ReportLab drawing at most ``width`` points wide and at most three
    quarters of its size on screen (its text stays the body text's size); y turned
    upwards."""
    scale = min(width / chart.width, 0.75)
    result = Drawing(chart.width * scale, chart.height * scale, initialFontName=FONT)
    top = chart.height
    for box in chart.boxes:
        result.add(Rect(box.x * scale, (top - box.y - box.height) * scale, box.width * scale,
                        box.height * scale, fillColor=TONES[box.tone], strokeColor=None))
    for text in chart.texts:
        result.add(String(text.x * scale, (top - text.y) * scale, printable(text.text),
                          fontName=FONT, fontSize=text.size * scale,
                          fillColor=TONES.get(text.tone, INK),
                          textAnchor=ANCHORS[text.anchor]))
    return result
