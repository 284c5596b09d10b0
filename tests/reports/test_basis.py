"""The reports mark what each requirement rests on (law, standard, good practice), with a
legend saying a good practice is no legal duty: real PDFs read back with pypdf."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from compliance.assessments.services import save_answer, submit_assessment
from compliance.extensions import db
from compliance.manual.loader import load_manuals
from compliance.manual.services import import_manuals
from compliance.reports.common import render_report
from compliance.reports.pre_audit import build_pre_audit_report
from compliance.reports.self_assessment import build_self_assessment_report
from compliance.reviews.services import complete_pre_audit, save_verdict
from tests import factories
from tests.reports.conftest import user
from tests.reports.test_pdf import said, text

CARRY = Path(__file__).parent.parent / "data" / "manual-carry"
# ORG-01 law (major), MGT-01 standard (major), MGT-04 standard, MGT-05 good practice
# (minor), PUR-01 standard
VERDICTS = {"ORG-01": "conform", "MGT-01": "conform", "MGT-04": "observation",
            "MGT-05": "minor_nc", "PUR-01": "conform"}


@pytest.fixture
def audited_on_2_0(app, db, people):
    with app.app_context():
        version = import_manuals(load_manuals(CARRY))[1].version
        campaign = factories.campaign(version, mode="members", values=[
            str(user(people["manager"]).member_id)])
        assessment = campaign.assessments[0]
        manager, consultant = user(people["manager"]), user(people["consultant"])
        for answer in assessment.answers:
            save_answer(answer, status="compliant", justification=None, comment=None,
                        revision=answer.revision, actor=manager)
        submit_assessment(assessment, actor=manager)
        for answer in assessment.answers:
            save_verdict(answer, verdict=VERDICTS[answer.requirement_key], reason=None,
                         comment="Registre incomplet." if answer.requirement_key == "MGT-05"
                         else None, change_request=None, revision=None, actor=consultant)
        complete_pre_audit(assessment, signed_by_name="Eva Janssens", signed_on=date.today(),
                           actor=consultant)
        db.session.commit()
        return assessment.id


def pdf_text(app, builder, assessment_id, language) -> str:
    from compliance.assessments.models import Assessment

    with app.app_context():
        data = builder(db.session.get(Assessment, assessment_id), language)
        return text(render_report(data))


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_self_assessment_report_marks_the_basis(app, audited_on_2_0, language):
    content = pdf_text(app, build_self_assessment_report, audited_on_2_0, language)
    major, minor = said(app, language, "Major"), said(app, language, "Minor")
    law, standard = said(app, language, "Law"), said(app, language, "Standard")
    practice = said(app, language, "Good practice")
    assert f"ORG-01 · {major} · {law}" in content
    assert f"MGT-01 · {major} · {standard}" in content
    assert f"MGT-05 · {minor} · {practice}" in content
    hint = said(app, language, "The association's good practice: recommended, not a legal "
                "duty.")
    assert f"{practice}: {hint}" in content or f"{practice} : {hint}" in content


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pre_audit_report_marks_the_basis_of_findings_and_verdicts(app, audited_on_2_0,
                                                                   language):
    content = pdf_text(app, build_pre_audit_report, audited_on_2_0, language)
    practice = said(app, language, "Good practice")
    assert f"MGT-05 · {practice}" in content  # the minor non-conformity
    assert f"ORG-01 · {said(app, language, 'Law')}" in content  # found conform
    assert "Registre incomplet." in content


def test_a_manual_without_basis_shows_no_marker(app, submitted_on_1_0):
    """Version 1.0 of a manual states no basis: the report says nothing of one."""
    content = pdf_text(app, build_self_assessment_report, submitted_on_1_0["a"], "en")
    assert "Good practice" not in content and " · Law" not in content
    assert "ORG-01 · Major" in content


@pytest.fixture
def submitted_on_1_0(app, people, assessments):
    from tests.reports.conftest import answer_and_submit

    with app.app_context():
        from compliance.assessments.models import Assessment

        answer_and_submit(db.session.get(Assessment, assessments["a"]), user(people["manager"]))
        db.session.commit()
    return assessments

