"""The sector charts as plain shapes: pure functions from figures to rectangles and
texts in a fixed coordinate box (y grows downwards, as in SVG).

The dashboard's templates draw the shapes as inline SVG (no script: the page works
without JavaScript); the sector PDF draws the same shapes with ReportLab graphics
(``compliance.reports.charts``). A shape's ``tone`` names what its colour means
(``ready``, ``not_ready``, ``band-low``...): the stylesheet and the PDF each map tones
to colours, so "not ready" is red wherever it is drawn. Every chart comes with its
figures as text (the templates and the PDF print them as a table beside the drawing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 600.0
BARS_WIDTH = 400.0  # a bar chart sits in half the page: a narrower box, larger text
LABEL_WIDTH = 150.0
ROW = 28.0
BAR = 18.0
CHAR = 8.6  # the widest mean width of a character at FONT_SIZE, to fit labels without a browser
FONT_SIZE = 14.0
HEAT_ROW = 20.0
#: readiness in its order, worst last; each has its tone
READINESS_TONES = ("ready", "nearly_ready", "not_ready")


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    tone: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    anchor: str = "start"  # start, middle, end
    tone: str = "ink"
    size: float = FONT_SIZE


@dataclass
class Chart:
    key: str
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)


def clip(text: str, room: float, size: float = FONT_SIZE) -> str:
    """The text cut with an ellipsis to fit ``room`` points (estimated)."""
    fits = max(1, int(room / (CHAR * size / FONT_SIZE)))
    return text if len(text) <= fits else text[: fits - 1].rstrip() + "…"


def bar_chart(key: str, bars: Sequence[tuple[str, int, str]], total: int) -> Chart:
    """One horizontal bar per (label, count, tone), on a scale of ``total``; the count
    and share written after each bar."""
    chart = Chart(key, BARS_WIDTH, ROW * len(bars) + 8)
    plot = BARS_WIDTH - LABEL_WIDTH - 80
    for row, (label, count, tone) in enumerate(bars):
        y = 4 + row * ROW
        chart.texts.append(Text(LABEL_WIDTH - 8, y + BAR - 4, clip(label, LABEL_WIDTH - 10),
                                "end"))
        chart.boxes.append(Box(LABEL_WIDTH, y, plot, BAR, "track"))
        length = plot * count / total if total else 0
        if count:
            chart.boxes.append(Box(LABEL_WIDTH, y, max(length, 2), BAR, tone))
        share = f" ({round(100 * count / total)} %)" if total else ""
        chart.texts.append(Text(LABEL_WIDTH + length + 6, y + BAR - 4, f"{count}{share}",
                                tone="muted"))
    return chart


def heat_map(columns: Sequence[str], rows: Sequence[tuple[str, Sequence[float | None]]]) \
        -> Chart:
    """A grid: one row per member (its label), one column per chapter (its key), each
    cell coloured by its score's band and showing the score."""
    label = 110.0
    cell = (WIDTH - label) / max(len(columns), 1)
    chart = Chart("heat", WIDTH, 24 + HEAT_ROW * len(rows) + 4)
    for index, column in enumerate(columns):
        chart.texts.append(Text(label + (index + 0.5) * cell, 16, clip(column, cell, 10),
                                "middle", size=10))
    for row, (name, values) in enumerate(rows):
        y = 24 + row * HEAT_ROW
        chart.texts.append(Text(label - 6, y + 14, clip(name, label - 8), "end"))
        for index, value in enumerate(values):
            x = label + index * cell
            chart.boxes.append(Box(x + 1, y + 1, cell - 2, HEAT_ROW - 2, f"band-{band(value)}"))
            chart.texts.append(Text(x + cell / 2, y + 14, "–" if value is None
                                    else f"{value:.0f}", "middle", size=10))
    return chart


def band(value: float | None) -> str:
    """A score's colour band: high from 80, mid from 60, low below, none when unknown."""
    if value is None:
        return "none"
    return "high" if value >= 80 else ("mid" if value >= 60 else "low")


def stacked_chart(key: str, rows: Sequence[tuple[str, Sequence[int]]],
                  legend: Sequence[tuple[str, str]]) -> Chart:
    """One bar per row (a campaign), split in parts whose tones and names ``legend``
    gives in order; each part carries its count; the legend under the bars."""
    label_width = 240.0  # campaign titles are long
    plot = WIDTH - label_width - 10
    chart = Chart(key, WIDTH, ROW * len(rows) + 30)
    for row, (label, counts) in enumerate(rows):
        y = 4 + row * ROW
        chart.texts.append(Text(label_width - 8, y + BAR - 4, clip(label, label_width - 10),
                                "end"))
        chart.boxes.append(Box(label_width, y, plot, BAR, "track"))
        total, x = sum(counts), label_width
        for count, (tone, _name) in zip(counts, legend, strict=True):
            if not count:
                continue
            length = plot * count / total
            chart.boxes.append(Box(x, y, length, BAR, tone))
            if length >= 16:
                chart.texts.append(Text(x + length / 2, y + BAR - 4, str(count), "middle",
                                        f"on-{tone}", size=10))
            x += length
    x, y = 0.0, ROW * len(rows) + 14
    for tone, name in legend:
        room = 24 + len(name) * CHAR * 10 / FONT_SIZE
        if x and x + room > WIDTH:  # the legend goes on on a new line
            x, y = 0.0, y + 16
            chart.height += 16
        chart.boxes.append(Box(x, y, 10, 10, tone))
        chart.texts.append(Text(x + 14, y + 9, name, size=10))
        x += room
    return chart
