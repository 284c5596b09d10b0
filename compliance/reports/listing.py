"""The reports' tables: rows of plain text, a header repeated on every page.

``Listing`` does what the reports need of ReportLab's ``Table`` and no more: columns of
given widths, text already broken into lines (``wrap``), numbers aligned right, a bold
row, a full-width note under a row (the evidence of an answer), a background per cell
(the heat map), thin lines between rows. It writes each page's part of the table as a
few PDF operators, where ``Table`` makes a text object per line and a style object per
cell: a pre-audit report of 150 requirements must take no more than twice what
ReportLab needs for a plain table of the same rows (bench/reports.py), and the long
tables are most of a report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from compliance.reports.pdf import (
    BOLD,
    CELL_LEADING,
    CELL_PADDING,
    CELL_SIZE,
    FONT,
    HEAD,
    INK,
    LINE,
    METRICS,
    MUTED,
    WIDTH,
    wrap,
)

NOTE_SIZE, NOTE_LEADING = 6.5, 8.2
TOP, BOTTOM = 2.5, 3.0  # cell padding
MAX_LINES = 60  # a row never grows past a page: longer text is cut with "…"


@dataclass(frozen=True)
class Note:
    """A full-width line of small text under the row before it, kept with that row."""

    text: str


@dataclass(frozen=True)
class _Row:
    cells: tuple[tuple[str, ...], ...]  # lines per cell
    font: str
    size: float
    leading: float
    colour: colors.Color
    note: bool
    height: float
    sizes: tuple[float, ...] = ()  # per cell, where a cell's size differs (the header)

    def size_of(self, column: int) -> float:
        return self.sizes[column] if self.sizes else self.size


def _colour(colour: colors.Color, operator: str) -> str:
    return f"{colour.red:.3f} {colour.green:.3f} {colour.blue:.3f} {operator}"


class Listing(Flowable):
    """Rows of text in columns; see the module docstring. Without a header and a box
    (``facts``), it is a list of "label: value" lines as on a cover."""

    def __init__(self, header: Sequence[str] | None, rows: Sequence[_Row],
                 widths: Sequence[float], numeric: Iterable[int] = (),
                 backgrounds: Mapping[tuple[int, int], colors.Color] | None = None,
                 column_colours: Mapping[int, colors.Color] | None = None,
                 boxed: bool = True):
        super().__init__()
        self.widths = list(widths)
        self.header = None if header is None else _header(header, widths)
        self.rows = list(rows)
        self.numeric = frozenset(numeric)
        self.backgrounds = dict(backgrounds or {})  # (row index in self.rows, column)
        self.column_colours = dict(column_colours or {})
        self.boxed = boxed
        self.width = sum(self.widths)

    @property
    def header_height(self) -> float:
        return self.header.height if self.header else 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.height = self.header_height + sum(r.height for r in self.rows)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        room, fits = available_height - self.header_height, 0
        for row in self.rows:
            if row.height > room:
                break
            room -= row.height
            fits += 1
        while 0 < fits < len(self.rows) and self.rows[fits].note:
            fits -= 1  # a note stays with its row
        if fits == 0:
            return []
        return [self._part(0, fits), self._part(fits, len(self.rows))]

    def _part(self, start: int, end: int) -> Listing:
        """A fresh flowable (not a copy: platypus marks the ones it had to postpone)."""
        part = Listing(None, self.rows[start:end], self.widths, self.numeric,
                       {(r - start, c): colour for (r, c), colour in self.backgrounds.items()
                        if start <= r < end}, self.column_colours, self.boxed)
        part.header = self.header
        return part

    def draw(self) -> None:
        top = self.height
        y = top - self.header_height
        ops, lines, text = ["q"], [], []
        if self.header:
            ops += [_colour(HEAD, "rg"), f"0 {y:.2f} {self.width:.2f} {top - y:.2f} re f"]
            lines.append(f"0 {y:.2f} m {self.width:.2f} {y:.2f} l")
            self._cells(self.header, top, text)
        for index, row in enumerate(self.rows):
            bottom = y - row.height
            for (r, column), colour in self.backgrounds.items():
                if r == index:
                    ops.append(f"{_colour(colour, 'rg')} {sum(self.widths[:column]):.2f} "
                               f"{bottom:.2f} {self.widths[column]:.2f} {row.height:.2f} re f")
            following = self.rows[index + 1] if index + 1 < len(self.rows) else None
            if (following and not following.note) or (not following and not self.boxed):
                lines.append(f"0 {bottom:.2f} m {self.width:.2f} {bottom:.2f} l")
            self._cells(row, y, text)
            y = bottom
        if self.boxed:
            lines.append(f"0 0 {self.width:.2f} {top:.2f} re")
        ops += [_colour(LINE, "RG"), "0.4 w", *lines, "S", "BT", *text, "ET", "Q"]
        self.canv._code.append("\n".join(ops))

    def _cells(self, row: _Row, top: float, out: list[str]) -> None:
        """The text of one row, as operators inside the text object."""
        canvas, doc = self.canv, self.canv._doc
        font = pdfmetrics.getFont(row.font)
        metrics = METRICS[row.font]
        widths = [self.width] if row.note else self.widths
        x, colour = 0.0, None
        for column, (lines, width) in enumerate(zip(row.cells, widths, strict=False)):
            wanted = row.colour if row.note else self.column_colours.get(column, row.colour)
            if wanted is not colour:
                out.append(_colour(wanted, "rg"))
                colour = wanted
            right = column in self.numeric and not row.note
            size = row.size_of(column)
            leading = row.leading * size / row.size
            baseline = top - (0 if row.note else TOP) - size
            for line in lines:
                if line:
                    left = x + width - CELL_PADDING - metrics.width(line) * size if right \
                        else x + CELL_PADDING
                    out.append(f"1 0 0 1 {left:.2f} {baseline:.2f} Tm")
                    for subset, chunk in font.splitString(line, doc):
                        out.append(f"{font.getSubsetInternalName(subset, doc)} {size:g} Tf "
                                   f"({canvas._escape(chunk)}) Tj")
                baseline -= leading
            x += width


def _row(cells: Sequence[str], font: str = FONT, colour: colors.Color = INK, *,
         note: bool = False) -> _Row:
    size, leading = (NOTE_SIZE, NOTE_LEADING) if note else (CELL_SIZE, CELL_LEADING)
    split = []
    for cell in cells:
        lines = str(cell).split("\n")
        if len(lines) > MAX_LINES:
            lines = [*lines[:MAX_LINES - 1], "…"]
        split.append(tuple(lines))
    most = max((len(c) for c in split), default=1)
    height = most * leading + (BOTTOM if note else TOP + BOTTOM)
    return _Row(tuple(split), font, size, leading, colour, note, height)


def _header(texts: Sequence[str], widths: Sequence[float]) -> _Row:
    """The header row: a label whose longest word does not fit its column is set smaller
    (down to 5.5 points) rather than cut ("Kalibratieverschil" in a narrow column)."""
    metrics, cells, sizes = METRICS[BOLD], [], []
    for label, width in zip(texts, widths, strict=True):
        room = width - 2 * CELL_PADDING
        longest = max((metrics.width(w) for w in str(label).split()), default=0.0)
        size = CELL_SIZE
        while longest * size > room and size > 5.5:
            size -= 0.25
        cells.append(tuple(wrap(label, width, BOLD, size).split("\n")))
        sizes.append(size)
    height = max(len(c) * CELL_LEADING * s / CELL_SIZE for c, s in zip(cells, sizes,
                                                                     strict=True))
    return _Row(tuple(cells), BOLD, CELL_SIZE, CELL_LEADING, MUTED, False,
                height + TOP + BOTTOM, tuple(sizes))


def data_table(header: Sequence[str], rows: Iterable[Sequence[object] | Note],
               widths: Sequence[float], *, numeric: Sequence[int] = (),
               wrapped: bool = True, bold_last: bool = False,
               backgrounds: Mapping[tuple[int, int], colors.Color] | None = None) -> Listing:
    """A table in the house style: a bold header row repeated on each page, thin lines
    between rows; text wrapped to the column widths (``wrapped`` False: the caller did),
    ``numeric`` columns aligned right; ``Note`` rows span the table under their row."""
    built = []
    for row in rows:
        if isinstance(row, Note):
            built.append(_row([wrap(row.text, sum(widths), size=NOTE_SIZE)], FONT, MUTED,
                              note=True))
        else:
            cells = [str(c) if not wrapped else wrap(c, w)
                     for c, w in zip(row, widths, strict=True)]
            built.append(_row(cells))
    if bold_last and built:
        last = built[-1]
        built[-1] = _row(["\n".join(c) for c in last.cells], BOLD)
    return Listing(header, built, widths, numeric, backgrounds)


def facts_table(pairs: Iterable[tuple[str, object]], label_width: float = 48 * mm) -> Listing:
    """"Label: value" lines, as on a cover: the labels muted, a thin line under each."""
    widths = [label_width, WIDTH - label_width]
    rows = [_row([wrap(label, widths[0]), wrap(value, widths[1])]) for label, value in pairs]
    return Listing(None, rows, widths, column_colours={0: MUTED}, boxed=False)
