"""compliance report ...: writes the PDF; every error is one line and exit status 1."""

from __future__ import annotations

import pytest

from compliance.extensions import db
from compliance.reports.cli import report_cli
from tests import factories
from tests.reports.test_pdf import pages, text


def invoke(runner, *args):
    return runner.invoke(report_cli, list(args))


def test_the_command_is_registered(runner):
    result = runner.invoke(args=["report", "--help"])
    assert result.exit_code == 0, result.output
    assert "self-assessment" in result.output and "sector" in result.output


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def test_self_assessment_to_a_file(runner, audited, tmp_path):
    out = tmp_path / "self.pdf"
    result = invoke(runner, "self-assessment", "--member", "MEM-A", "--lang", "fr",
                    "--output", str(out))
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert "Un PRRC est désigné" in text(pdf)
    assert result.output.strip() == (f"wrote {out}: {len(pages(pdf))} pages, fingerprint "
                                     f"{result.output.strip().rsplit(' ', 1)[-1]}")


def test_pre_audit_and_sector(runner, audited, tmp_path):
    pre, sector = tmp_path / "pre.pdf", tmp_path / "sector.pdf"
    assert invoke(runner, "pre-audit", "--member", "mem-a", "--campaign",
                  str(audited["campaign"]), "--lang", "nl", "--output", str(pre)).exit_code == 0
    assert "Niet klaar" in text(pre.read_bytes())
    result = invoke(runner, "sector", "--campaign", str(audited["campaign"]), "--lang", "en",
                    "--output", str(sector), "--names")
    assert result.exit_code == 0, result.output
    assert "Not anonymised" in pages(sector.read_bytes())[0]


@pytest.mark.parametrize(("args", "message"), [
    (("self-assessment", "--member", "NOPE", "--lang", "fr"), "Error: unknown member NOPE"),
    (("self-assessment", "--member", "MEM-A", "--lang", "de"), "Error: unknown language 'de'"),
    (("self-assessment", "--member", "MEM-A"), "Error: choose the language with --lang"),
    (("self-assessment", "--lang", "fr"), "Error: say whose report it is with --member"),
    (("self-assessment", "--member", "MEM-A", "--campaign", "999", "--lang", "fr"),
     "Error: member MEM-A has no assessment in campaign 999"),
    (("self-assessment", "--member", "MEM-A", "--campaign", "first", "--lang", "fr"),
     "Error: --campaign takes a campaign's id"),
    (("pre-audit", "--member", "MEM-A", "--lang", "fr"),
     "Error: the pre-audit of MEM-A in campaign"),
    (("sector", "--lang", "fr"), "Error: say which campaign with --campaign"),
    (("sector", "--campaign", "999", "--lang", "fr"), "Error: unknown campaign 999"),
])
def test_errors_are_one_line(runner, reviewed, tmp_path, args, message):
    out = tmp_path / "report.pdf"
    line = one_line_error(invoke(runner, *args, "--output", str(out)))
    assert line.startswith(message), line
    assert not out.exists()


def test_a_member_without_assessment(app, runner, assessments, tmp_path):
    with app.app_context():
        factories.member("MEM-C")
        db.session.commit()
    line = one_line_error(invoke(runner, "self-assessment", "--member", "MEM-C", "--lang", "en",
                                 "--output", str(tmp_path / "r.pdf")))
    assert line == "Error: member MEM-C has no assessment in any campaign"


def test_missing_output_and_unwritable_file(runner, audited, tmp_path):
    line = one_line_error(invoke(runner, "sector", "--campaign", str(audited["campaign"]),
                                 "--lang", "fr"))
    assert line == "Error: say where to write the PDF with --output FILE"
    line = one_line_error(invoke(runner, "sector", "--campaign", str(audited["campaign"]),
                                 "--lang", "fr", "--output", str(tmp_path / "no" / "r.pdf")))
    assert line.startswith(f"Error: cannot write {tmp_path / 'no' / 'r.pdf'}: ")
