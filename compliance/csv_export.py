"""One way to write a CSV export, safe and readable in the spreadsheet the reader has.

- **No formulas.** A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is read by spreadsheets as a formula (a member's name such as
  ``=HYPERLINK(...)`` would run in the staff's spreadsheet): such text cells are
  prefixed with an apostrophe, which the spreadsheet shows as text. Numbers we computed
  are written as numbers.
- **Opened by a double click.** Excel in French and Dutch (Belgium) reads ``;`` as the
  separator and ``,`` as the decimal mark, English ``,`` and ``.``; the reader's
  language chooses, ``?sep=comma`` or ``?sep=semicolon`` overrides it. UTF-8 with a byte
  order mark, so accents survive.
- Headers and values are words in the reader's language, never internal codes (the
  caller passes them translated).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = {"comma": ",", "semicolon": ";"}
#: Languages whose spreadsheets expect ";" between cells and "," before decimals.
SEMICOLON_LANGUAGES = frozenset({"fr", "nl"})
BOM = "\ufeff"


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    decimal_mark: str


def csv_format(language: str, choice: str | None = None) -> CsvFormat:
    """The reader's format: ``choice`` ("comma"/"semicolon") if given, else their
    language's."""
    delimiter = SEPARATORS.get(choice or "") or \
        (";" if language in SEMICOLON_LANGUAGES else ",")
    return CsvFormat(delimiter, "," if delimiter == ";" else ".")


def safe_cell(value: object, decimal_mark: str = ".") -> str:
    """A value as the spreadsheet must see it: numbers as numbers, text never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", decimal_mark)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]],
             fmt: CsvFormat) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=fmt.delimiter)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(value, fmt.decimal_mark) for value in row])
    return BOM + buffer.getvalue()


def csv_response(filename: str, header: Sequence[object], rows: Iterable[Sequence[object]],
                 fmt: CsvFormat) -> Response:
    """The export as a download."""
    return Response(csv_text(header, rows, fmt), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}",
                             "Cache-Control": "private, no-store"})
