"""Faults: while the database is unreachable or read-only, pages answer 503 in the
user's language without needing the database, saves say nothing was changed, nothing
half-written is left behind, and /healthz names the failing dependency."""

from __future__ import annotations

import html
import os
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from compliance.assessments.models import Answer
from compliance.audit import AuditEvent
from compliance.auth.models import User
from compliance.evidence.models import Evidence
from compliance.extensions import db
from tests import factories
from tests.conftest import CSRF, free_port, login, make_app


def dead_url(dialect: str) -> str:
    if dialect == "postgresql":  # nothing listens there: the connection is refused
        return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone"
    return "sqlite:////nonexistent-folder/compliance.db"


def copy_login(source, target) -> None:
    """The same browser, now talking to another server of the same application."""
    target.set_cookie("session", source.get_cookie("session").value)


def token_of(client, url: str = "/login") -> str:
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {"events": db.session.scalar(select(func.count(AuditEvent.id))),
                "evidence": db.session.scalar(select(func.count(Evidence.id)))}


def set_locale(app, email: str, locale: str) -> None:
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).locale = locale
        db.session.commit()


# --- unreachable -----------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def dead_app(request, app):
    """The application with its database gone (same instance folder, same secret key)."""
    return make_app(Path(app.instance_path), dead_url(request.param))


def test_pages_answer_503_in_the_users_language_without_the_database(app, client, people,
                                                                     dead_app):
    login(client, people["manager"])
    dead = dead_app.test_client()
    copy_login(client, dead)
    response = dead.get("/", headers={"Accept-Language": "nl"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    page = text_of(response)
    assert '<html lang="nl">' in page
    assert "Tijdelijk onbeschikbaar" in page and "databank" in page


def test_a_save_says_nothing_was_changed(app, client, people, dead_app):
    dead = dead_app.test_client()
    token = token_of(dead)  # the login page itself needs no database
    response = dead.post("/login", data={"csrf_token": token, "email": people["manager"],
                                         "password": factories.PASSWORD},
                         headers={"Accept-Language": "fr"})
    assert response.status_code == 503
    page = text_of(response)
    assert '<html lang="fr">' in page
    assert "Rien n'a été modifié" in page


def test_a_save_from_the_pages_script_gets_json(app, client, people, assessments, dead_app):
    login(client, people["manager"])
    dead = dead_app.test_client()
    copy_login(client, dead)
    answer_id = assessments["answers"][("MEM-A", "ORG-01")]
    response = dead.post(f"/assessments/{assessments['a']}/answers/{answer_id}",
                         data={"csrf_token": token_of(client, "/"), "status": "compliant",
                               "revision": "1"},
                         headers={"Accept": "application/json", "Accept-Language": "en"})
    assert response.status_code == 503
    assert response.get_json() == {
        "saved": False,
        "message": "Nothing was changed: what you sent was not saved. The database cannot "
                   "be reached just now. Please try again in a few minutes."}


def test_healthz_names_the_unreachable_database(dead_app):
    response = dead_app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == {"ok": False, "error": "unreachable"}
    assert body["checks"]["evidence"] == {"ok": True, "store": "folder"}
    assert body["checks"]["mail"] == {"ok": True, "configured": False}


# --- read-only -------------------------------------------------------------------------------

@pytest.fixture
def read_only_app(app, database_url, tmp_path):
    """The application on the same database, every connection read-only (as during a
    maintenance or on a standby)."""
    ro = make_app(Path(app.instance_path), database_url, EVIDENCE_DIR=str(tmp_path / "ev"))
    with ro.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def read_only(connection, record):  # noqa: ANN001
        cursor = connection.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            connection.commit()
        else:
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    yield ro
    engine.dispose()


def test_while_read_only_pages_read_and_saves_change_nothing(app, client, people, assessments,
                                                             read_only_app):
    set_locale(app, people["manager"], "fr")
    login(client, people["manager"])
    ro = read_only_app.test_client()
    copy_login(client, ro)
    url = f"/assessments/{assessments['a']}/answers"
    assert ro.get(url).status_code == 200  # reading works
    answer_id = assessments["answers"][("MEM-A", "ORG-01")]
    before = counts(app)
    response = ro.post(f"{url}/{answer_id}", data={
        "csrf_token": token_of(ro, url), "status": "compliant", "comment": "typed",
        "revision": "1"})
    assert response.status_code == 503
    page = text_of(response)
    assert '<html lang="fr">' in page  # the user was loaded before the fault
    assert "Rien n'a été modifié" in page and "lecture seule" in page
    with app.app_context():
        assert db.session.get(Answer, answer_id).status is None
    assert counts(app) == before


def test_a_read_only_upload_leaves_only_what_gc_removes(app, client, people, assessments,
                                                        read_only_app, tmp_path):
    from tests.evidence.test_evidence_views import multipart

    login(client, people["manager"])
    ro = read_only_app.test_client()
    copy_login(client, ro)
    content = factories.pdf_bytes("uploaded during maintenance")
    before = counts(app)
    url = f"/assessments/{assessments['a']}/answers"
    body, content_type = multipart({"csrf_token": token_of(ro, url)},
                                   [(content, "procedure.pdf")])
    answer_id = assessments["answers"][("MEM-A", "ORG-01")]
    response = ro.post(f"{url}/{answer_id}/evidence", data=body, content_type=content_type)
    assert response.status_code == 503
    assert counts(app) == before
    store = tmp_path / "ev"
    (placed,) = [p for p in store.rglob("*") if p.is_file()]  # no row points to it
    old = time.time() - 2 * 24 * 3600
    os.utime(placed, (old, old))
    runner = app.test_cli_runner()
    with _evidence_dir(app, store):
        result = runner.invoke(args=["evidence", "gc", "--apply"])
        assert "removed 1 unreferenced file(s)" in result.output, result.output
        assert runner.invoke(args=["evidence", "verify"]).exit_code == 0
    assert not placed.exists()


@contextmanager
def _evidence_dir(app, path):
    before = app.config["EVIDENCE_DIR"]
    app.config["EVIDENCE_DIR"] = str(path)
    try:
        yield
    finally:
        app.config["EVIDENCE_DIR"] = before


def test_healthz_names_a_read_only_database(read_only_app, db):
    body = read_only_app.test_client().get("/healthz").get_json()
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"] == "read-only"


# --- the error page itself never fails -------------------------------------------------------

def test_an_unexpected_error_after_a_failed_statement_still_gets_its_page(
        app, client, people, monkeypatch):
    """A statement fails (on PostgreSQL the transaction is then unusable), the view fails:
    the 500 page must not need the database to say so."""
    import compliance.actions.views as views

    set_locale(app, people["manager"], "nl")
    login(client, people["manager"])

    def broken(*args, **kwargs):
        db.session.execute(text("SELECT no_such_column FROM user_account"))

    monkeypatch.setattr(views.queries, "visible_actions", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/actions/")
    assert response.status_code == 500
    page = text_of(response)
    assert '<html lang="nl">' in page and "Er ging iets mis" in page


# --- healthz ---------------------------------------------------------------------------------

@pytest.fixture
def migrated_stamp(app, db):
    """The schema stamped at the code's revision, as `compliance db upgrade` leaves it."""
    from compliance.home.health import schema_heads

    with app.app_context():
        (head,) = schema_heads(app.extensions["migrate"].directory)
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) "
                              "NOT NULL PRIMARY KEY)"))
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    yield head
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))


def test_healthz_names_every_dependency(app, client, migrated_stamp, smtp_server):
    response = client.get("/healthz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ok", "checks": {
        "database": {"ok": True, "revision": migrated_stamp, "expected": [migrated_stamp]},
        "evidence": {"ok": True, "store": "folder"},
        "mail": {"ok": True, "configured": True}}}
    assert not [p for p in Path(app.config["EVIDENCE_DIR"]).glob(".health-*")]


def test_healthz_names_an_unreachable_mail_server(app, client, migrated_stamp, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["mail"] == {"ok": False, "configured": True,
                                                     "error": "unreachable"}


def test_healthz_names_an_evidence_folder_it_cannot_write(app, client, migrated_stamp,
                                                          monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(blocked))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["evidence"] == {"ok": False,
                                                         "error": "not writable"}


def test_healthz_names_a_schema_that_was_not_upgraded(app, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    database = response.get_json()["checks"]["database"]
    assert database["ok"] is False and database["revision"] is None
    assert "compliance db upgrade" in database["error"]

