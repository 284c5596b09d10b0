"""The layout every report shares: A4, the embedded font, styles, text wrapping, charts,
the running header and footer, bookmarks and the PDF metadata (tables: listing.py).

A renderer subclasses ``ReportRenderer``, says what its title, subject and header are,
and returns its story (the flowables); ``render()`` turns that into PDF bytes in the
report's language (``flask_babel.force_locale``: the labels come from the gettext
catalogues, the manual's texts are already in the data in that language).

"page x / y" needs the page count before the pages are written, in one pass: the canvas
keeps each finished page and writes them all at ``save()``, when the count is known
(the "numbered canvas" recipe). A bookmark points to the page being written at the time
it is made, so the canvas also keeps each page's bookmarks and makes them as it writes
that page.
"""

from __future__ import annotations

import io
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import reportlab
from babel.dates import format_date, format_datetime
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab import rl_config
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)

# Bitstream Vera, shipped inside ReportLab: it covers French and Dutch (é è ê ë à â ç
# î ï ô û ù ü œ Œ « » € ’ – —; checked by tests/reports/test_pdf.py), so the reports
# never depend on the fonts of the machine they are made on.
FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FONT, BOLD, ITALIC, BOLD_ITALIC = "ReportSans", "ReportSans-Bold", "ReportSans-Italic", \
    "ReportSans-BoldItalic"
FONT_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf",
              BOLD_ITALIC: "VeraBI.ttf"}
TIMEZONE = ZoneInfo("Europe/Brussels")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TOP_MARGIN = 24 * mm
BOTTOM_MARGIN = 20 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN  # of the text frame

INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6775")
LINE = colors.HexColor("#d8dee6")
HEAD = colors.HexColor("#eef2f6")
STRIPE = colors.HexColor("#f8fafc")
BRAND = colors.HexColor("#0b5c8a")
MAJOR = colors.HexColor("#a4262c")
MINOR = colors.HexColor("#7a5b00")
OK = colors.HexColor("#1e7b45")
BAND_COLOURS = {"high": colors.HexColor("#cfe8d9"), "mid": colors.HexColor("#f7e7b4"),
                "low": colors.HexColor("#f4c7c9"), "none": colors.HexColor("#f1f3f5")}

CELL_SIZE, CELL_LEADING, CELL_PADDING = 7.5, 9.2, 3


def register_fonts() -> None:
    """Register the report fonts once per process (ReportLab keeps a global registry)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD_ITALIC)


register_fonts()
# Binary (compressed) page streams rather than ASCII85 on top: a third smaller, quicker
# to write, and read by every PDF reader. A ReportLab-wide setting.
rl_config.useA85 = 0
_COVERED = frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)
_COVERED_CHARS = frozenset(map(chr, _COVERED)) | {"\n", "\t"}
_SPACES = {"\u202f": "\u00a0", "\u2007": "\u00a0", "\u2009": " ", "\u200b": ""}


def printable(text: object) -> str:
    """The text with every character the font lacks replaced: a narrow space by a
    no-break space, a letter by its base letter (ő → o), anything else by "?" — so a
    name typed with an unusual letter never prints as an empty box."""
    text = "" if text is None else str(text)
    if text.isascii() or _COVERED_CHARS.issuperset(text):
        return text
    return "".join(_printable_char(c) for c in text)


def _printable_char(char: str) -> str:
    if ord(char) in _COVERED or char in "\n\t":
        return char
    if char in _SPACES:
        return _SPACES[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) in _COVERED
                   and not unicodedata.combining(c))
    return base or "?"


def markup(text: object) -> str:
    """Plain text made safe for a Paragraph (which reads a little XML)."""
    return escape(printable(text)).replace("\n", "<br/>")


def _style(name: str, size: float, leading: float, font: str = FONT, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                          textColor=kw.pop("textColor", INK), **kw)


STYLES = {
    "cover_title": _style("cover_title", 22, 27, BOLD, textColor=BRAND, spaceAfter=6),
    "cover_subtitle": _style("cover_subtitle", 13, 17, spaceAfter=14, textColor=MUTED),
    "h1": _style("h1", 14, 18, BOLD, textColor=BRAND, spaceBefore=10, spaceAfter=6),
    "h2": _style("h2", 11, 14, BOLD, spaceBefore=8, spaceAfter=4),
    "body": _style("body", 9, 12.5, spaceAfter=4),
    "small": _style("small", 7.5, 9.5, textColor=MUTED, spaceAfter=3),
    "cell": _style("cell", CELL_SIZE, CELL_LEADING),
    "notice": _style("notice", 10, 13.5, BOLD, textColor=MAJOR, borderColor=MAJOR,
                     borderWidth=0.8, borderPadding=6, spaceBefore=6, spaceAfter=12),
    "verdict": _style("verdict", 16, 20, BOLD, spaceAfter=6),
    "right": _style("right", 9, 12, alignment=TA_RIGHT),
}


def para(text: object, style: str = "body") -> Paragraph:
    return Paragraph(markup(text), STYLES[style])


class Heading(Paragraph):
    """A heading that makes a bookmark and an outline entry at the page it lands on."""

    def __init__(self, text: str, level: int, key: str):
        super().__init__(markup(text), STYLES["h1" if level == 0 else "h2"])
        self.outline = (printable(text), key, level)


def heading(text: str, level: int, key: str) -> list[Flowable]:
    """A heading kept with what follows it (never alone at the foot of a page)."""
    return [CondPageBreak(60 if level == 0 else 40), Heading(text, level, key)]


class _Metrics:
    """Character widths of one font, for measuring text without ReportLab's per-call
    overhead (the long tables measure every word of every cell)."""

    def __init__(self, font: str):
        face = pdfmetrics.getFont(font).face
        default = face.defaultWidth / 1000
        self.widths: dict[str, float] = defaultdict(lambda: default)
        self.widths.update({chr(cp): w / 1000 for cp, w in face.charWidths.items()})
        self.space = self.widths[" "]

    def width(self, text: str) -> float:
        """In ems: multiply by the font size."""
        return sum(map(self.widths.__getitem__, text))


METRICS = {name: _Metrics(name) for name in FONT_FILES}


def wrap(text: object, width: float, font: str = FONT, size: float = CELL_SIZE) -> str:
    """Text broken into lines that fit a table cell ``width`` wide (padding included).

    Plain strings with line breaks cost a fraction of a Paragraph per cell; the long
    tables (every requirement, every member) use them. A word longer than the line (a
    checksum, a long file name) is cut.
    """
    text = printable(text)
    metrics, room = METRICS[font], (width - 2 * CELL_PADDING) / size
    lines: list[str] = []
    for part in text.split("\n"):
        if metrics.width(part) <= room:
            lines.append(part)
        else:
            lines.extend(_wrap_line(part, metrics, room))
    return "\n".join(lines)


def _wrap_line(text: str, metrics: _Metrics, room: float) -> list[str]:
    lines: list[str] = []
    words: list[str] = []
    used = 0.0
    for word in text.split(" "):
        size = metrics.width(word)
        if words and used + metrics.space + size > room:
            lines.append(" ".join(words))
            words, used = [], 0.0
        if size > room:
            pieces = _cut_at_hyphens(word, metrics, room) or _cut(word, metrics, room)
            lines.extend(pieces[:-1])
            word, size = pieces[-1], metrics.width(pieces[-1])
        used += size + (metrics.space if words else 0)
        words.append(word)
    lines.append(" ".join(words))
    return lines


def _cut_at_hyphens(word: str, metrics: _Metrics, room: float) -> list[str] | None:
    """"Auto-évaluation" → "Auto-", "évaluation", when each part fits."""
    parts = [p + "-" for p in word.split("-")]
    parts[-1] = parts[-1][:-1]
    if len(parts) < 2 or any(metrics.width(p) > room for p in parts):
        return None
    return parts


def _cut(word: str, metrics: _Metrics, room: float) -> list[str]:
    pieces, start, used = [], 0, 0.0
    for index, char in enumerate(word):
        size = metrics.widths[char]
        if used + size > room and index > start:
            pieces.append(word[start:index])
            start, used = index, 0.0
        used += size
    pieces.append(word[start:])
    return pieces


def fitted(text: object, room: float, font: str, size: float) -> str:
    """One line of text cut with an ellipsis to fit ``room`` points (a running header
    beside the generation time: a long campaign title never runs into it)."""
    text, metrics = printable(text), METRICS[font]
    if metrics.width(text) * size <= room:
        return text
    while text and metrics.width(text + "…") * size > room:
        text = text[:-1]
    return text.rstrip() + "…"


def band(rate: float | None) -> str:
    """The colour band of a score or rate, as on the sector dashboard."""
    if rate is None:
        return "none"
    return "high" if rate >= 80 else ("mid" if rate >= 60 else "low")


class _NumberedCanvas(Canvas):
    """Keeps the pages until ``save()``, then writes each with its header and footer
    (which need the page count) and its bookmarks (which need the page written)."""

    def __init__(self, *args, decorate: Callable[[Canvas, int, int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._kept_pages: list[dict] = []
        self._page_bookmarks: list[tuple[str, str]] = []

    def bookmarkPage(self, key: str, fit: str = "XYZ", **kwargs) -> None:  # noqa: N802
        self._page_bookmarks.append((key, fit))

    def showPage(self) -> None:  # noqa: N802
        self._kept_pages.append(dict(self.__dict__))
        self._page_bookmarks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._kept_pages)
        for number, state in enumerate(self._kept_pages, start=1):
            self.__dict__.update(state)
            for key, fit in state["_page_bookmarks"]:
                Canvas.bookmarkPage(self, key, fit=fit)
            self._decorate(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


class _ReportDoc(BaseDocTemplate):
    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        outline = getattr(flowable, "outline", None)
        if outline:
            text, key, level = outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level, closed=level > 0)


class ReportRenderer:
    """The base of every report: ``render()`` → PDF bytes.

    Subclasses give ``title()``, ``subject()``, ``running_title()`` and ``story()``.
    """

    def __init__(self, data) -> None:  # noqa: ANN001  one of the report dataclasses
        self.data = data
        self.language = data.language
        self.fingerprint = data.fingerprint
        self.page_count = 0  # known once rendered

    # what each report says
    def title(self) -> str:
        raise NotImplementedError

    def subject(self) -> str:
        raise NotImplementedError

    def running_title(self) -> str:
        """The left part of the running header (pages after the cover)."""
        return self.title()

    def author(self) -> str:
        return _("MDR compliance")

    def story(self) -> list[Flowable]:
        raise NotImplementedError

    # formatting in the report's language
    def day(self, value: date | datetime | None) -> str:
        """A day in the report's language; a moment's day in Brussels."""
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(TIMEZONE).date()
        return format_date(value, "medium", locale=self.language)

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return format_datetime(value, "medium", tzinfo=TIMEZONE, locale=self.language)

    @staticmethod
    def score(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f}"

    @staticmethod
    def signed(value: float | None) -> str:
        if value is None:
            return "—"
        return "0" if round(value) == 0 else f"{value:+.0f}"

    def generated_line(self) -> str:
        return _("Generated %(when)s", when=self.moment(self.data.generated_at))

    def fingerprint_block(self) -> list[Flowable]:
        return [para(_("Data fingerprint (SHA-256): %(fingerprint)s",
                       fingerprint=self.fingerprint), "small"),
                para(_("The fingerprint is computed from the report's data, not from its "
                       "layout or generation time: the same data always gives the same "
                       "fingerprint."), "small")]

    # the page furniture
    def decorate(self, canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.5)
        top = PAGE_HEIGHT - 14 * mm
        generated = printable(self.generated_line())
        room = WIDTH - METRICS[FONT].width(generated) * 7.5 - 6 * mm  # left of the time
        if page > 1:
            canvas.setFont(BOLD, 8)
            canvas.drawString(MARGIN, top, fitted(self.running_title(), room, BOLD, 8))
            canvas.setFont(FONT, 7.5)
        else:
            canvas.setFont(FONT, 7.5)
            canvas.drawString(MARGIN, top, fitted(_("MDR compliance"), room, FONT, 7.5))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top, generated)
        canvas.line(MARGIN, top - 2.5 * mm, PAGE_WIDTH - MARGIN, top - 2.5 * mm)
        bottom = 11 * mm
        canvas.line(MARGIN, bottom + 4 * mm, PAGE_WIDTH - MARGIN, bottom + 4 * mm)
        canvas.setFont(FONT, 6.5)
        canvas.drawString(MARGIN, bottom, printable(
            _("Fingerprint %(fingerprint)s", fingerprint=self.fingerprint)))
        canvas.setFont(BOLD, 8)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, bottom, printable(
            _("page %(page)d / %(pages)d", page=page, pages=total)))
        canvas.restoreState()

    def render(self) -> bytes:
        with force_locale(self.language):
            return self._build()

    def _build(self) -> bytes:
        buffer = io.BytesIO()
        doc = _ReportDoc(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN, title=printable(self.title()),
            author=printable(self.author()), subject=printable(self.subject()),
            creator=printable(_("MDR compliance")), keywords=f"sha256:{self.fingerprint}",
            lang=self.language, initialFontName=FONT, initialFontSize=9)
        frame = Frame(MARGIN, BOTTOM_MARGIN, WIDTH, PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN,
                      id="body", leftPadding=0, rightPadding=0, topPadding=0,
                      bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.build(self.story(), canvasmaker=partial(_NumberedCanvas, decorate=self.decorate))
        self.page_count = doc.page
        return buffer.getvalue()


def bar_chart(labels: Sequence[str],
              series: Sequence[tuple[str, Sequence[float | None], colors.Color]],
              *, maximum: float | None = 100, width: float = WIDTH) -> Drawing:
    """A horizontal bar chart drawn with ReportLab graphics: one group of bars per label
    (top to bottom in the given order), one bar per series, the value at the end of each
    bar, a legend when there is more than one series. A missing value (None) draws no
    bar and "—". ``maximum`` None: the scale fits the largest value.

    Drawn from rectangles and strings rather than with ``reportlab.graphics.charts``:
    the chart widgets cost more than the rest of a report's page.
    """
    bar, space = 6.0, 5.0
    label_width = min(150.0, 8 + max(METRICS[FONT].width(printable(t)) * 7 for t in labels))
    legend = 14.0 if len(series) > 1 else 0.0
    group = bar * len(series) + space
    plot_top = len(labels) * group
    height = plot_top + 14 + legend
    left, right = label_width, width - 30
    values = [v for _name, column, _colour in series for v in column if v is not None]
    top = maximum or _nice_top(max(values, default=1))
    scale = (right - left) / top
    base = 14 + legend  # the value axis' line
    drawing = Drawing(width, height, initialFontName=FONT, initialFontSize=7)
    for step in _ticks(top):
        x = left + step * scale
        drawing.add(Line(x, base, x, base + plot_top, strokeColor=LINE, strokeWidth=0.3))
        drawing.add(String(x, base - 9, f"{step:g}", fontName=FONT, fontSize=6.5,
                           fillColor=MUTED, textAnchor="middle"))
    for row, text in enumerate(labels):
        y = base + plot_top - (row + 1) * group + space / 2
        drawing.add(String(left - 4, y + (group - space) / 2 - 2.5, printable(text),
                           fontName=FONT, fontSize=7, fillColor=INK, textAnchor="end"))
        for index, (_name, column, colour) in enumerate(series):
            value = column[row]
            y_bar = y + (len(series) - 1 - index) * bar
            if value:
                drawing.add(Rect(left, y_bar, value * scale, bar - 1, fillColor=colour,
                                 strokeColor=None))
            shown = "—" if value is None else f"{value:.0f}"
            drawing.add(String(left + (value or 0) * scale + 2, y_bar + 0.8, shown,
                               fontName=FONT, fontSize=6, fillColor=MUTED))
    drawing.add(Line(left, base, left, base + plot_top, strokeColor=MUTED, strokeWidth=0.5))
    if legend:
        x = left
        for name, _values, colour in series:
            drawing.add(Rect(x, 2, 7, 7, fillColor=colour, strokeColor=None))
            drawing.add(String(x + 10, 2.5, printable(name), fontName=FONT, fontSize=7,
                               fillColor=INK))
            x += 20 + METRICS[FONT].width(printable(name)) * 7
    return drawing


def _nice_top(value: float) -> float:
    for top in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= top:
            return top
    return value


def _ticks(top: float) -> list[float]:
    step = top / 5 if top >= 5 else 1
    return [step * i for i in range(int(round(top / step)) + 1)]


def kept(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def gap(height: float = 6) -> Spacer:
    return Spacer(1, height)
