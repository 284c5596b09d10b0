"""Reminders: digests over real SMTP, in each person's language, each exactly once."""

import threading
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from compliance.auth.models import User
from compliance.campaigns.models import Campaign
from compliance.extensions import db
from compliance.reminders.models import Notice, SentReminder
from compliance.reminders.services import run_pass
from tests.conftest import free_port, login, post


@pytest.fixture
def due(app, people, assessments):
    """The campaign's due date; MEM-A's manager reads French, MEM-B's Dutch."""
    with app.app_context():
        for key, locale in (("manager", "fr"), ("manager_b", "nl")):
            db.session.scalar(select(User).where(User.email == people[key])).locale = locale
        db.session.commit()
        return db.session.get(Campaign, assessments["campaign"]).due_date


def send(runner, day):
    return runner.invoke(args=["reminders", "send", "--today", day.isoformat()])


def ledger_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(SentReminder.id)))


def by_recipient(inbox):
    return {rcpt[0]: message for rcpt, message in inbox.messages}


def test_digests_reach_each_manager_in_their_language(app, runner, people, due, smtp_server):
    result = send(runner, due - timedelta(days=7))
    assert result.exit_code == 0, result.output
    received = by_recipient(smtp_server)
    assert set(received) == {people["manager"], people["manager_b"]}
    french, dutch = received[people["manager"]], received[people["manager_b"]]
    assert french["Content-Language"] == "fr" and dutch["Content-Language"] == "nl"
    assert french["Subject"].endswith("échéances à surveiller — Conformité MDR")
    assert dutch["Subject"].endswith("uiterste data om op te volgen — MDR-conformiteit")
    text = french.get_body(("plain",)).get_content()
    html = french.get_body(("html",)).get_content()
    assert "Campaign 2026" in text and "Campaign 2026" in html
    assert "http://127.0.0.1:5000/assessments/" in text
    assert "dans 7 jours" in text
    assert "MGT-01" in text  # the yearly management review: never recorded, so due
    assert "Campaign 2026" in dutch.get_body(("plain",)).get_content()


def test_a_second_pass_sends_nothing(app, runner, due, smtp_server):
    send(runner, due - timedelta(days=7))
    first = len(smtp_server.messages)
    sent = ledger_count(app)
    again = send(runner, due - timedelta(days=7))
    assert again.exit_code == 0 and "0 digest(s) sent" in again.output
    assert len(smtp_server.messages) == first and ledger_count(app) == sent
    later = send(runner, due - timedelta(days=5))  # same step (7 days before): nothing new
    assert "0 digest(s) sent" in later.output
    step = send(runner, due - timedelta(days=1))  # the next step goes out
    assert "2 digest(s) sent" in step.output


def test_smtp_down_marks_nothing_then_the_next_pass_delivers(app, runner, monkeypatch, due,
                                                            smtp_server):
    up_port = app.config["SMTP_PORT"]
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there
    down = send(runner, due - timedelta(days=7))
    assert down.exit_code == 1
    assert "mail server unavailable" in down.output
    assert ledger_count(app) == 0 and smtp_server.messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count(Notice.id))) == 0
    monkeypatch.setitem(app.config, "SMTP_PORT", up_port)
    assert send(runner, due - timedelta(days=7)).exit_code == 0
    assert len(smtp_server.messages) == 2
    assert send(runner, due - timedelta(days=7)).exit_code == 0
    assert len(smtp_server.messages) == 2


def test_dry_run_prints_and_sends_nothing(app, runner, people, due, smtp_server):
    result = runner.invoke(args=["reminders", "send", "--dry-run", "--today",
                                 (due - timedelta(days=7)).isoformat()])
    assert result.exit_code == 0
    assert people["manager"] in result.output and "before-7" in result.output
    assert "nothing sent" in result.output
    assert smtp_server.messages == [] and ledger_count(app) == 0


def test_digest_off_keeps_in_app_notices(app, client, runner, people, due, smtp_server):
    login(client, people["manager"])
    post(client, "/account/reminders", {})  # unticked: digest off
    send(runner, due - timedelta(days=7))
    assert people["manager"] not in by_recipient(smtp_server)
    page = client.get("/notices/").get_data(as_text=True)
    assert "Campaign 2026" in page
    assert 'class="count-badge"' in client.get("/").get_data(as_text=True)
    post(client, "/notices/read")
    assert 'class="count-badge"' not in client.get("/").get_data(as_text=True)


def test_without_smtp_host_messages_go_to_the_outbox(app, runner, monkeypatch, due, caplog):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    outbox = __import__("pathlib").Path(app.instance_path) / "outbox"
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    with caplog.at_level("WARNING"):
        assert send(runner, due - timedelta(days=7)).exit_code == 0
    written = set(outbox.glob("*.eml")) - before
    assert len(written) == 2
    assert "SMTP_HOST is not set: wrote 2 message(s)" in caplog.text
    for path in written:
        path.unlink()


def test_corrective_actions_remind_the_owner_and_staff_get_a_weekly_overdue_digest(
        app, runner, people, due, smtp_server):
    from compliance.actions.models import CorrectiveAction
    from compliance.assessments.models import Assessment
    from compliance.reviews.models import RequirementVerdict
    from tests.reviews.test_pre_audit import _user  # noqa: F401 - reuse the lookup

    with app.app_context():
        assessment = db.session.scalars(select(Assessment).order_by(Assessment.id)).first()
        verdict = RequirementVerdict(answer=assessment.answers[0], verdict="major_nc")
        db.session.add(verdict)
        db.session.flush()
        contributor = db.session.scalar(select(User).where(User.email == people["contributor"]))
        db.session.add(CorrectiveAction(
            verdict_id=verdict.id, assessment_id=assessment.id, member_id=assessment.member_id,
            requirement_key="ORG-01", severity="major_nc", description="Appoint a PRRC",
            owner_id=contributor.id, due_date=date(2027, 1, 4)))
        db.session.commit()
    monday = date(2027, 1, 18)  # two weeks overdue, and a Monday
    assert monday.weekday() == 0
    send(runner, monday)
    received = by_recipient(smtp_server)
    assert "Appoint a PRRC" in received[people["contributor"]].get_body(
        ("plain",)).get_content()
    staff_text = received[people["staff"]].get_body(("plain",)).get_content()
    assert "Appoint a PRRC" in staff_text and "overdue by 14 days" in staff_text  # English


def test_calendar_feed_at_a_secret_renewable_url(app, client, people, due):
    import re

    login(client, people["manager"])
    page = post(client, "/account/calendar", follow_redirects=True).get_data(as_text=True)
    url = re.search(r'class="calendar-url">([^<]+)<', page).group(1)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert "calendar-url" not in client.get("/account").get_data(as_text=True)  # once only
    with app.app_context():  # the database keeps a hash, not the address
        assert token not in db.session.scalar(select(User.calendar_token).where(
            User.email == people["manager"]))
    client.delete_cookie("session")
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    campaign = next(e for s, e in events.items() if "Campaign 2026" in s)
    assert campaign.decoded("dtstart") == due
    login(client, people["manager"])
    post(client, "/account/calendar")  # renew: the old address stops working
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_recording_a_duty_moves_its_next_due_date(app, client, people, due):
    login(client, people["manager"])
    page = client.get("/duties/").get_data(as_text=True)
    assert "MGT-01" in page and "jamais enregistrée" in page  # this manager reads French
    done_on = date.today() - timedelta(days=30)
    response = post(client, "/duties/", {"requirement_key": "MGT-01",
                                         "last_done": done_on.isoformat()})
    assert response.status_code == 302
    with app.app_context():
        from compliance.reminders.policy import add_months
        next_due = add_months(done_on, 12)
    page = client.get("/duties/").get_data(as_text=True)
    assert "jamais enregistrée" not in page
    assert str(next_due.year) in page
    future = post(client, "/duties/", {"requirement_key": "MGT-01",
                                       "last_done": (date.today() + timedelta(days=3))
                                       .isoformat()})
    assert future.status_code == 400


@pytest.mark.skipif("postgresql" not in __import__("os").environ.get("TEST_DATABASE_URL", ""),
                    reason="concurrent passes are checked on PostgreSQL")
def test_two_concurrent_passes_send_each_reminder_once(app, people, due, smtp_server):
    barrier = threading.Barrier(2)
    errors = []

    def one_pass():
        try:
            with app.app_context():
                barrier.wait()
                run_pass(due - timedelta(days=7))
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    recipients = [rcpt[0] for rcpt, _ in smtp_server.messages]
    assert sorted(recipients) == sorted({people["manager"], people["manager_b"]})


def test_at_most_one_digest_a_day_even_when_a_new_deadline_appears(app, runner, people, due,
                                                                    smtp_server):
    from compliance.evidence.models import Evidence
    from compliance.members.models import Member

    day = due - timedelta(days=7)
    send(runner, day)
    assert len(smtp_server.messages) == 2
    with app.app_context():  # a certificate expiring tomorrow is added the same day
        member = db.session.scalar(select(Member).where(Member.code == "MEM-A"))
        db.session.add(Evidence(member_id=member.id, sha256="0" * 64, size=1, filename="c.pdf",
                                media_type="application/pdf", title="Certificate",
                                expiry_date=day + timedelta(days=1)))
        db.session.commit()
    send(runner, day)
    assert len(smtp_server.messages) == 2  # not a second digest today
    send(runner, day + timedelta(days=1))
    latest = by_recipient(smtp_server)[people["manager"]].get_body(("plain",)).get_content()
    assert "Certificate" in latest


def test_a_refused_digest_is_not_marked_and_goes_with_the_next_pass(app, runner, people, due,
                                                                    smtp_server):
    refused = {people["manager_b"]}

    async def handle_RCPT(server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in refused:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = handle_RCPT
    day = due - timedelta(days=7)
    first = send(runner, day)
    assert first.exit_code == 1 and "mail server unavailable" in first.output
    assert list(by_recipient(smtp_server)) == [people["manager"]]
    with app.app_context():
        marked = set(db.session.scalars(select(User.email).join(
            SentReminder, SentReminder.recipient_id == User.id)))
        assert marked == {people["manager"]}
    refused.clear()
    assert send(runner, day).exit_code == 0
    recipients = sorted(rcpt[0] for rcpt, _ in smtp_server.messages)
    assert recipients == sorted([people["manager"], people["manager_b"]])  # each once


def test_an_unexpected_failure_while_sending_marks_nothing(app, runner, monkeypatch, due,
                                                           smtp_server):
    from compliance.mail import Mailer

    def explode(self, slot, name, message):
        raise RuntimeError("the process died while sending")

    monkeypatch.setattr(Mailer, "send_one", explode)
    with app.app_context(), pytest.raises(RuntimeError):
        run_pass(due - timedelta(days=7))
    with app.app_context():
        db.session.remove()
    assert ledger_count(app) == 0  # the claims were never committed


def test_notices_are_written_in_the_readers_language_when_shown(app, client, runner, people,
                                                                due, smtp_server):
    """Made during a pass while the manager read French, shown in Dutch once the manager
    reads Dutch (and in English to an English reader): the key and its parameters are
    stored, the words are the reader's."""
    import html
    import re

    send(runner, due - timedelta(days=7))
    login(client, people["manager"])

    def notices_text() -> str:
        page = client.get("/notices/").get_data(as_text=True)
        return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))

    french = notices_text()
    assert "Échéance de l'auto-évaluation — MEM-A — Campaign 2026" in french
    assert "(dans 7 jours)" in french
    for locale, label, when in (("nl", "Uiterste datum zelfevaluatie", "(over 7 dagen)"),
                                ("en", "Self-assessment due", "(in 7 days)")):
        with app.app_context():
            db.session.scalar(select(User).where(User.email == people["manager"])).locale = \
                locale
            db.session.commit()
        shown = notices_text()
        assert f"{label} — MEM-A — Campaign 2026" in shown and when in shown, shown
        assert "auto-évaluation" not in shown
        # the recurring duty's requirement title follows the language too
        with app.app_context():
            notice = db.session.scalars(select(Notice).where(Notice.kind == "duty_due")).first()
            assert notice.params["titles"][locale] in shown
