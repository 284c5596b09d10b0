"""Fast review: the review page is one form; the consultant accepts the member's answers
for a selection or every remaining compliant answer with evidence in one post, each
verdict still its own audit event; a non-conformity needs a finding; nothing chosen
saves nothing and says so; a verdict saved meanwhile is a conflict."""

import io
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from compliance.assessments.models import Assessment
from compliance.assessments.services import link_evidence, save_answer, submit_assessment
from compliance.audit import AuditEvent
from compliance.auth.models import User
from compliance.evidence.services import upload_evidence
from compliance.extensions import db
from compliance.reviews.models import RequirementVerdict
from tests import factories
from tests.conftest import login, post

STATUSES = {"ORG-01": "compliant", "ORG-02": "partial", "MGT-01": "compliant"}


@pytest.fixture
def review(app, people, assessments):
    """MEM-A's assessment submitted: ORG-01 compliant with a file, ORG-02 partial, MGT-01
    compliant without a file. Returns the ids, answers by key."""
    with app.app_context():
        assessment = db.session.get(Assessment, assessments["a"])
        manager = db.session.scalar(select(User).where(User.email == people["manager"]))
        file = upload_evidence(assessment.member, filename="prrc.pdf",
                               stream=io.BytesIO(factories.pdf_bytes("PRRC")), title="PRRC",
                               document_date=None, expiry_date=None, version_note=None,
                               actor=manager)
        for answer in assessment.answers:
            if answer.included:
                save_answer(answer, status=STATUSES[answer.requirement_key],
                            justification=None, comment=None, revision=answer.revision,
                            actor=manager)
                if answer.requirement_key == "ORG-01":
                    link_evidence(answer, file, actor=manager)
        submit_assessment(assessment, actor=manager)
        db.session.commit()
    return {"assessment": assessments["a"],
            **{key: assessments["answers"][("MEM-A", key)] for key in STATUSES}}


def page_form(client, ids) -> dict:
    """The review page's form as a browser posts it: every row with its revision, its
    checked verdict and its texts."""
    html = client.get(f"/reviews/{ids['assessment']}").get_data(as_text=True)
    data = dict(re.findall(r"name=(rev-\d+) value=(\d+)>", html))
    data.update(re.findall(r'name=(v-\d+) value=(\w+) checked', html))
    data.update((name, unescape(text)) for name, text in
                re.findall(r'name=([fc]-\d+) rows=\d[^>]*>([^<]*)</textarea>', html))
    return data


def send(client, ids, **data):
    return post(client, f"/reviews/{ids['assessment']}/verdicts",
                {**page_form(client, ids), **data}, follow_redirects=True)


def verdicts(app) -> dict[str, tuple[str, str | None]]:
    with app.app_context():
        return {v.answer.requirement_key: (v.verdict, v.comment)
                for v in db.session.scalars(select(RequirementVerdict))}


def saved_events(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "verdict.saved"))


def test_one_button_accepts_every_compliant_answer_with_evidence(app, client, people, review):
    login(client, people["consultant"])
    response = send(client, review, do="accept_evidenced")
    assert response.status_code == 200
    assert "1 verdict saved: ORG-01." in response.get_data(as_text=True)
    assert verdicts(app) == {"ORG-01": ("conform", None)}
    assert saved_events(app) == 1
    again = send(client, review, do="accept_evidenced")  # nothing left: said so
    assert "Nothing saved: no remaining requirement was answered compliant" in \
        again.get_data(as_text=True)
    assert saved_events(app) == 1


def test_a_selection_is_accepted_one_audit_event_per_verdict(app, client, people, review):
    login(client, people["consultant"])
    response = send(client, review, accept=[str(review["ORG-01"]), str(review["MGT-01"])],
                    do="save")
    assert "2 verdicts saved: ORG-01, MGT-01." in response.get_data(as_text=True)
    assert verdicts(app) == {"ORG-01": ("conform", None), "MGT-01": ("conform", None)}
    assert saved_events(app) == 2
    with app.app_context():
        assert db.session.get(Assessment, review["assessment"]).state == "in_pre_audit"


def test_accepting_a_partial_answer_needs_a_finding_and_saves_nothing_without(
        app, client, people, review):
    login(client, people["consultant"])
    ticked = [str(review["ORG-01"]), str(review["ORG-02"])]
    refused = send(client, review, accept=ticked)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "A non-conformity needs a finding: write what you found on ORG-02." in html
    assert re.search(rf'name=accept value={review["ORG-01"]} checked', html)  # kept
    assert verdicts(app) == {} and saved_events(app) == 0
    finding = {f"f-{review['ORG-02']}": "No deputy PRRC named."}
    send(client, review, accept=ticked, **finding)
    assert verdicts(app) == {"ORG-01": ("conform", None),
                             "ORG-02": ("minor_nc", "No deputy PRRC named.")}


def test_a_major_non_conformity_without_finding_is_refused_whole(app, client, people, review):
    login(client, people["consultant"])
    refused = send(client, review, **{f"v-{review['ORG-01']}": "c",
                                      f"v-{review['MGT-01']}": "ma"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "write what you found on MGT-01" in html
    assert re.search(rf"name=v-{review['MGT-01']} value=ma checked", html)
    assert verdicts(app) == {}  # ORG-01's conform is not saved either


def test_nothing_chosen_saves_nothing_and_says_so(app, client, people, review):
    login(client, people["consultant"])
    response = send(client, review, do="save")
    html = response.get_data(as_text=True)
    assert "Nothing saved: no verdict was chosen or changed." in html
    assert "Saved" not in html.replace("Nothing saved", "")
    assert saved_events(app) == 0
    with app.app_context():
        assert db.session.get(Assessment, review["assessment"]).state == "submitted"


def test_a_verdict_saved_meanwhile_is_a_conflict(app, client, people, review):
    login(client, people["consultant"])
    loaded = page_form(client, review)
    send(client, review, **{f"v-{review['ORG-01']}": "c"})
    late = post(client, f"/reviews/{review['assessment']}/verdicts",
                {**loaded, f"v-{review['ORG-01']}": "o",
                 f"f-{review['ORG-01']}": "Procedure not dated."})
    assert late.status_code == 409
    assert "Procedure not dated." in late.get_data(as_text=True)  # what was typed is kept
    assert verdicts(app) == {"ORG-01": ("conform", None)}


def test_ticking_accept_and_choosing_another_verdict_is_refused(app, client, people, review):
    login(client, people["consultant"])
    refused = send(client, review, accept=[str(review["MGT-01"])],
                   **{f"v-{review['MGT-01']}": "o"})
    assert refused.status_code == 400
    assert "Keep one of the two" in refused.get_data(as_text=True)
    assert verdicts(app) == {}


def test_another_members_answer_is_not_found(app, client, people, review, assessments):
    login(client, people["consultant"])
    foreign = assessments["answers"][("MEM-B", "ORG-01")]
    response = send(client, review, accept=[str(foreign)])
    assert response.status_code == 404
    assert verdicts(app) == {}


def test_each_row_links_to_the_next_requirement_without_verdict(app, client, people, review):
    login(client, people["consultant"])
    send(client, review, **{f"v-{review['ORG-02']}": "c"})  # ORG-01 → MGT-01 skips it
    html = client.get(f"/reviews/{review['assessment']}").get_data(as_text=True)
    org01 = html[html.index('id=ORG-01>'):html.index('id=ORG-02>')]
    assert 'class=next-missing href="#MGT-01"' in org01  # ORG-02 has its verdict
    missing = html[html.index('class="missing"'):]
    assert re.findall(r"#([A-Z]{3}-\d\d)\">", missing[:missing.index("</ul>")]) == \
        ["ORG-01", "MGT-01"]


def test_a_link_ticks_every_answered_requirement_without_verdict(app, client, people, review):
    login(client, people["consultant"])
    send(client, review, **{f"v-{review['ORG-01']}": "c"})
    html = client.get(f"/reviews/{review['assessment']}?tick=remaining").get_data(as_text=True)
    ticked = set(re.findall(r"name=accept value=(\d+) checked", html))
    assert ticked == {str(review["ORG-02"]), str(review["MGT-01"])}
    assert "2 answers ticked" in html
    plain = client.get(f"/reviews/{review['assessment']}").get_data(as_text=True)
    assert not re.findall(r"name=accept value=\d+ checked", plain)  # never by default


def test_accepting_keeps_a_note_written_before_the_verdict(app, client, people, review):
    login(client, people["consultant"])
    send(client, review, **{f"f-{review['ORG-01']}": "Designation letter seen."})
    assert verdicts(app) == {"ORG-01": (None, "Designation letter seen.")}
    response = send(client, review, do="accept_evidenced")
    assert response.status_code == 200
    assert verdicts(app) == {"ORG-01": ("conform", "Designation letter seen.")}
