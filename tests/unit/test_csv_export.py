"""The CSV writer every export uses: no cell a spreadsheet would run as a formula, the
reader's separator and decimal mark, UTF-8 with a byte order mark."""

import csv
import io

import pytest

from compliance.csv_export import csv_format, csv_text, safe_cell


@pytest.mark.parametrize("text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1",
                                  '=HYPERLINK("http://evil.example","click")'])
def test_text_that_a_spreadsheet_would_run_is_written_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Orthopedie Gent", "A=B", "e-mail", "", "1+1"])
def test_ordinary_text_is_kept_as_it_is(text):
    assert safe_cell(text) == text


def test_numbers_stay_numbers_even_negative_with_the_readers_decimal_mark():
    assert safe_cell(-3) == "-3"
    assert safe_cell(-12.25, ",") == "-12,2"
    assert safe_cell(72.5, ".") == "72.5"
    assert safe_cell(None) == ""


@pytest.mark.parametrize(("language", "choice", "delimiter", "decimal"), [
    ("fr", None, ";", ","), ("nl", None, ";", ","), ("en", None, ",", "."),
    ("fr", "comma", ",", "."), ("en", "semicolon", ";", ","), ("nl", "bogus", ";", ",")])
def test_the_separator_follows_the_language_unless_chosen(language, choice, delimiter,
                                                          decimal):
    fmt = csv_format(language, choice)
    assert (fmt.delimiter, fmt.decimal_mark) == (delimiter, decimal)


def test_a_whole_file_reads_back_as_written():
    text = csv_text(["Nom", "Score"], [["=evil()", 81.25], ["Gent; Oost", None]],
                    csv_format("fr"))
    assert text.startswith("\ufeffNom;Score\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["Nom", "Score"], ["'=evil()", "81,2"], ["Gent; Oost", ""]]
