"""The assessment pages run a fixed number of SQL queries, whatever the data: the shipped
manual's newest version (every requirement), first with nothing answered, then with every
requirement answered and 30 evidence files linked across the answers."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bench.harness import counting_queries
from compliance import PROJECT_ROOT
from compliance.assessments.models import Answer, AnswerEvidence, Assessment, Status
from compliance.assessments.services import link_evidence, save_answer
from compliance.auth.models import User
from compliance.evidence.models import Evidence
from compliance.evidence.services import upload_evidence, withdraw_evidence
from compliance.extensions import db
from compliance.manual.loader import load_manual
from compliance.profile import Activity
from tests import factories
from tests.conftest import login

SHIPPED_MANUAL = PROJECT_ROOT / "checklists" / "mdr-cmd"
REQUIREMENTS = len(load_manual(SHIPPED_MANUAL).requirements)
EVIDENCE_FILES = 30
MANAGER = "manager@all.example"
CONTRIBUTOR = "contributor@all.example"
MAX_QUERIES = 12  # whatever the data; today's counts are printed by each test
PAGES = {
    "answers": "/assessments/{id}/answers",
    "overview": "/assessments/{id}",
    "list": "/assessments/",
}




def queries_for(app, client, url: str) -> list[str]:
    client.get(url)  # warm up: templates compiled, translations loaded
    with counting_queries(app) as statements:
        response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200, url
    return statements


@pytest.fixture
def assessment_id(app, db) -> int:
    """One member doing everything, so every requirement of the shipped manual applies."""
    with app.app_context():
        member = factories.member(code="MEM-ALL", activities=[a.value for a in Activity])
        factories.user(MANAGER, "member_manager", member=member)
        factories.user(CONTRIBUTOR, "member_contributor", member=member)
        version = factories.manual(SHIPPED_MANUAL)
        (assessment,) = factories.campaign(version).assessments
        db.session.commit()
        included = db.session.scalar(select(func.count()).where(
            Answer.assessment_id == assessment.id, Answer.included.is_(True)))
        assert included == REQUIREMENTS
        return assessment.id


def answer_and_link(app, assessment_id: int, answers: slice, files: range) -> None:
    """Answer some requirements and upload some files, each linked to two answers."""
    statuses = list(Status)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        people = [db.session.scalar(select(User).where(User.email == email))
                  for email in (MANAGER, CONTRIBUTOR)]
        every = list(assessment.answers)
        for i, answer in enumerate(every[answers], start=answers.start or 0):
            status = statuses[i % len(statuses)]
            save_answer(answer, status=status, revision=answer.revision,
                        actor=people[i % len(people)],
                        justification="Not done here." if status == Status.NOT_APPLICABLE
                        else None, comment=f"Checked in review {i}." if i % 3 == 0 else None)
        today = date.today()
        for i in files:
            evidence = upload_evidence(
                assessment.member, filename=f"evidence-{i:02d}.pdf",
                stream=io.BytesIO(factories.pdf_bytes(f"evidence number {i}")),
                title=f"Evidence {i}", document_date=today - timedelta(days=400),
                expiry_date=today + timedelta(days=30 * i - 300) if i % 2 else None,
                version_note=f"v{i}" if i % 4 == 0 else None, actor=people[0])
            # 5i and 7i + 3 never meet modulo an even count: two different answers per file
            for answer in (every[5 * i % len(every)], every[(7 * i + 3) % len(every)]):
                link_evidence(answer, evidence, actor=people[i % 2])
            if i in (4, 17):
                withdraw_evidence(evidence, reason="Replaced.", actor=people[0])
        db.session.commit()


def _check_everything_answered(app, assessment_id: int) -> None:
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evidence)) == EVIDENCE_FILES
        assert db.session.scalar(select(func.count()).select_from(AnswerEvidence)) == \
            2 * EVIDENCE_FILES
        assert db.session.scalar(select(func.count()).where(
            Answer.assessment_id == assessment_id, Answer.status.is_(None))) == 0


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_a_fixed_number_of_queries(app, client, assessment_id, page):
    url = PAGES[page].format(id=assessment_id)
    login(client, MANAGER)
    empty = queries_for(app, client, url)

    half = REQUIREMENTS // 2
    answer_and_link(app, assessment_id, slice(0, half), range(EVIDENCE_FILES // 2))
    partly = queries_for(app, client, url)

    answer_and_link(app, assessment_id, slice(half, None), range(EVIDENCE_FILES // 2,
                                                                 EVIDENCE_FILES))
    full = queries_for(app, client, url)
    _check_everything_answered(app, assessment_id)

    print(f"\n{url} ({page}): {len(empty)} queries with nothing answered, {len(partly)} "
          f"with {half} answers and {EVIDENCE_FILES // 2} files, {len(full)} with "
          f"{REQUIREMENTS} answers and {EVIDENCE_FILES} evidence files")
    assert len(partly) == len(empty), "\n\n".join(["empty:", *empty, "partly:", *partly])
    if page == "overview":
        # Only the overview has a branch: while something is missing it lists what (one
        # query for the answers, one for their evidence links); once all is answered the
        # list and its queries go. Whatever the amount of data, the count is the same.
        extra = _without(empty, full)
        assert len(full) == len(empty) - len(extra), "\n\n".join(["full:", *full])
        assert extra and all("FROM answer" in q for q in extra), "\n\n".join(extra)
    else:
        assert len(full) == len(empty), "\n\n".join(["empty:", *empty, "full:", *full])
    assert len(empty) <= MAX_QUERIES, "\n\n".join(empty)


def _without(statements: list[str], others: list[str]) -> list[str]:
    """The statements of the first list that the second does not run."""
    rest = list(others)
    extra = []
    for statement in statements:
        if statement in rest:
            rest.remove(statement)
        else:
            extra.append(statement)
    assert not rest, "\n\n".join(["not expected:", *rest])
    return extra


def test_answers_page_shows_every_answer_and_file(app, client, assessment_id):
    """The counted page is the real one: every answer and every link is on it."""
    answer_and_link(app, assessment_id, slice(0, None), range(EVIDENCE_FILES))
    _check_everything_answered(app, assessment_id)
    login(client, MANAGER)
    html = client.get(f"/assessments/{assessment_id}/answers",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html.count('class="answer-form"') == REQUIREMENTS
    assert html.count("/evidence/") - html.count('href="/evidence/"') >= 2 * EVIDENCE_FILES
    for i in range(EVIDENCE_FILES):
        assert f"evidence-{i:02d}.pdf" in html
