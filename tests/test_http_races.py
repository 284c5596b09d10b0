"""Two people act on the same thing at the same moment, through the real application: two
logged-in test clients, each request in its own thread with its own database session.
Each race ends with one winner and a loser told so (409, what they typed kept, who saved
first), or with both kept when their changes do not collide; never a 500, never a
silent overwrite.

Each request is held just before its first write (or row lock) until the other has
reached its own, so both have read everything before either writes: the worst case.
On SQLite, where one writer locks the whole database, the races that need two writers
are run on PostgreSQL only (TEST_DATABASE_URL)."""

from __future__ import annotations

import contextlib
import html
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, func, select

from compliance.actions.models import CorrectiveAction
from compliance.assessments.models import Assessment
from compliance.audit import AuditEvent
from compliance.extensions import db
from compliance.members.models import Member
from compliance.reviews.models import PreAudit, RequirementVerdict
from tests import factories
from tests.actions.test_corrective_actions import action_id, loaded_revision  # noqa: F401
from tests.conftest import csrf_token, login, post
from tests.reviews.test_pre_audit import complete, give_verdicts, submitted  # noqa: F401

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("two writers at once: run with TEST_DATABASE_URL on PostgreSQL")


@pytest.fixture
def no_propagation(app, monkeypatch):
    """A 500 is answered as the server would, not raised into the test."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


@contextmanager
def held_before_first_write(app, parties: int = 2) -> Iterator[None]:
    """Threads named race-*: each waits before its first write statement until every
    one has reached its own."""
    barrier = threading.Barrier(parties, timeout=10)
    arrived: set[str] = set()
    with app.app_context():
        engine = db.engine

    def hold(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        name = threading.current_thread().name
        sql = statement.lstrip().upper()
        if name.startswith("race-") and name not in arrived and \
                (sql.startswith(WRITES) or "FOR UPDATE" in sql):
            arrived.add(name)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()  # broken: the other never wrote (refused before), go on

    event.listen(engine, "before_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", hold)


def race(app, *requests: Callable[[], object]) -> list:
    """Run the requests at once; their responses, in the order given."""
    results: list = [None] * len(requests)

    def run(index: int, request: Callable[[], object]) -> None:
        try:
            results[index] = request()
        except BaseException as exc:  # noqa: BLE001 - reported below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, r), name=f"race-{i}")
               for i, r in enumerate(requests)]
    with held_before_first_write(app, len(requests)):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def sent(client, url: str, data: dict) -> Callable[[], object]:
    """A form post ready to go, its CSRF token fetched beforehand."""
    data = {"csrf_token": csrf_token(client), **data}
    return lambda: client.post(url, data=data, headers={"Accept-Language": "en"})


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def second_consultant(app) -> str:
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.code == "MEM-A"))
        factories.user("eva.second@x.example", "consultant", assigned=[member])
        db.session.commit()
    return "eva.second@x.example"


def logged_in(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)).all()


def verdict_url(ids, key: str) -> str:
    return f"/reviews/{ids['a']}/verdicts/{ids['answers'][('MEM-A', key)]}"


# --- verdicts --------------------------------------------------------------------------------

def test_of_two_first_verdicts_one_is_kept_and_the_other_told_who_saved_first(
        app, people, submitted, postgres, no_propagation):  # noqa: F811
    first = logged_in(app, people["consultant"])
    second = logged_in(app, second_consultant(app))
    url = verdict_url(submitted, "ORG-01")
    responses = race(app, sent(first, url, {"verdict": "major_nc", "revision": "0",
                                            "comment": "No PRRC designated"}),
                     sent(second, url, {"verdict": "conform", "revision": "0",
                                        "comment": "Looks fine to me"}))
    assert sorted(r.status_code for r in responses) == [302, 409]
    winner = 0 if responses[0].status_code == 302 else 1
    loser_page = page_of(responses[1 - winner])
    assert ["No PRRC designated", "Looks fine to me"][1 - winner] in loser_page  # kept
    assert f"{['Consultant', 'Eva.Second'][winner]} saved it first" in loser_page
    with app.app_context():
        (verdict,) = db.session.scalars(select(RequirementVerdict)).all()
        assert verdict.verdict == ["major_nc", "conform"][winner]
    assert len(events(app, "verdict.saved")) == 1


def test_a_first_verdict_saved_from_an_old_page_is_a_conflict(app, people, submitted):  # noqa: F811
    """Without a verdict yet the form carries revision 0; a verdict saved meanwhile is
    never overwritten."""
    first = logged_in(app, people["consultant"])
    second = logged_in(app, second_consultant(app))
    url = verdict_url(submitted, "ORG-01")
    assert post(second, url, {"verdict": "conform", "revision": "0"}).status_code == 302
    late = post(first, url, {"verdict": "major_nc", "revision": "0",
                             "comment": "No PRRC designated"}, headers={"Accept-Language": "en"})
    assert late.status_code == 409
    assert "No PRRC designated" in page_of(late)
    assert "Eva.Second saved it first" in page_of(late)
    with app.app_context():
        assert db.session.scalar(select(RequirementVerdict.verdict)) == "conform"


def test_two_consultants_starting_the_pre_audit_at_once_both_keep_their_verdict(
        app, people, submitted, postgres, no_propagation):  # noqa: F811
    first = logged_in(app, people["consultant"])
    second = logged_in(app, second_consultant(app))
    responses = race(app, sent(first, verdict_url(submitted, "ORG-01"),
                               {"verdict": "conform", "revision": "0"}),
                     sent(second, verdict_url(submitted, "ORG-02"),
                          {"verdict": "minor_nc", "revision": "0",
                           "comment": "No deputy named"}))
    assert [r.status_code for r in responses] == [302, 302]
    with app.app_context():
        assert db.session.get(Assessment, submitted["a"]).state == "in_pre_audit"
        assert db.session.scalar(select(func.count(PreAudit.id))) == 1
        assert sorted(db.session.scalars(select(RequirementVerdict.verdict))) == \
            ["conform", "minor_nc"]
    starts = [e for e in events(app, "assessment.state")
              if e.after["state"] == "in_pre_audit"]
    assert len(starts) == 1


def test_completing_and_sending_back_at_once_one_transition_wins(
        app, people, submitted, postgres, no_propagation):  # noqa: F811
    first = logged_in(app, people["consultant"])
    give_verdicts(first, submitted, {"ORG-01": "conform", "ORG-02": "conform",
                                     "MGT-01": "conform"})
    second = logged_in(app, second_consultant(app))
    before = len(events(app, "assessment.state"))
    responses = race(
        app, sent(first, f"/reviews/{submitted['a']}/complete",
                  {"signed_by_name": "Eva Janssens", "signed_on": date.today().isoformat()}),
        sent(second, f"/assessments/{submitted['a']}/send-back",
             {"reason": "The PRRC file is missing"}))
    assert sorted(r.status_code for r in responses) == [302, 409]
    completed = responses[0].status_code == 302
    with app.app_context():
        state = db.session.get(Assessment, submitted["a"]).state
    assert state == ("pre_audited" if completed else "in_progress")
    assert len(events(app, "assessment.state")) == before + 1
    loser = page_of(responses[1 if completed else 0])
    assert "Someone else changed this meanwhile. Nothing was changed" in loser


# --- corrective actions ----------------------------------------------------------------------

def edit(client, action, description: str, revision: str) -> dict:
    with client.application.app_context():
        due = db.session.get(CorrectiveAction, action).due_date.isoformat()
    return {"description": description, "owner": "0", "due_date": due, "revision": revision}


def test_an_action_saved_from_an_older_copy_is_a_conflict(app, people, action_id):  # noqa: F811
    member = logged_in(app, people["manager"])
    consultant = logged_in(app, people["consultant"])
    loaded = loaded_revision(member, action_id)
    assert post(consultant, f"/actions/{action_id}",
                edit(consultant, action_id, "Appoint a PRRC by June",
                     loaded_revision(consultant, action_id))).status_code == 302
    late = post(member, f"/actions/{action_id}",
                edit(member, action_id, "Our own plan, typed at length", loaded),
                headers={"Accept-Language": "en"})
    assert late.status_code == 409
    page = page_of(late)
    assert "Someone else saved this action while you were editing it." in page
    assert "Consultant saved it first" in page
    assert "Our own plan, typed at length" in page  # in the form, to save again
    with app.app_context():
        assert db.session.get(CorrectiveAction, action_id).description == \
            "Appoint a PRRC by June"
    again = post(member, f"/actions/{action_id}",
                 edit(member, action_id, "Our own plan, typed at length",
                      loaded_revision(member, action_id)))
    assert again.status_code == 302  # saved over what the member has now seen


def test_two_edits_of_an_action_at_once_never_overwrite_silently(
        app, people, action_id, postgres, no_propagation):  # noqa: F811
    member = logged_in(app, people["manager"])
    consultant = logged_in(app, people["consultant"])
    revision = loaded_revision(member, action_id)
    texts = ["The member's plan", "The consultant's plan"]
    responses = race(app, sent(member, f"/actions/{action_id}",
                               edit(member, action_id, texts[0], revision)),
                     sent(consultant, f"/actions/{action_id}",
                          edit(consultant, action_id, texts[1], revision)))
    assert sorted(r.status_code for r in responses) == [302, 409]
    winner = 0 if responses[0].status_code == 302 else 1
    assert texts[1 - winner] in page_of(responses[1 - winner])
    with app.app_context():
        assert db.session.get(CorrectiveAction, action_id).description == texts[winner]
    assert len(events(app, "action.updated")) == 1
