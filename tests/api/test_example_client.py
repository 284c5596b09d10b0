"""The example client (examples/api_client.py) against the application served over real
HTTP: reads the member and its deadlines, uploads a file once (a retry with the same
key stores nothing more), shows a problem as it comes."""

from __future__ import annotations

import importlib.util
import json
import threading

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from compliance import PROJECT_ROOT
from compliance.evidence.models import Evidence
from compliance.extensions import db
from tests import factories
from tests.api.conftest import make_token


def load_example():
    spec = importlib.util.spec_from_file_location(
        "api_client", PROJECT_ROOT / "examples" / "api_client.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def served(app, db):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_the_example_reads_and_uploads(app, client, people, assessments, served, tmp_path,
                                       capsys):
    example = load_example()
    token = make_token(client, people["manager"])
    letter = tmp_path / "prrc-letter.pdf"
    letter.write_bytes(factories.pdf_bytes("PRRC designation letter"))
    assert example.main(["--url", served, "--token", token, "--upload", str(letter),
                         "--title", "PRRC designation", "--requirement", "ORG-01"]) == 0
    out = capsys.readouterr().out
    assert "Workshop MEM-A" in out and "assessment_due" in out
    assert "stored: PRRC designation supports ORG-01" in out

    session = example.Client(served, token)
    status, again = session.upload_evidence(letter, idempotency_key="retry-1")
    assert status == 200 and again["reused"]  # the same content: recognised
    first = session.upload_evidence(letter, idempotency_key="retry-1")
    assert first == (status, again)  # the same key: the first answer again
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evidence)) == 1
    assert session.get("/member") == session.get("/member")
    assert session.last_status == 304  # the second one: unchanged, nothing sent again

    assert example.main(["--url", served, "--token", "mdr_wrong"]) == 1
    assert "401 Not authenticated" in capsys.readouterr().err


def test_the_example_sends_statements_one_incomplete(app, client, people, served, capsys):
    example = load_example()
    token = make_token(client, people["manager"], scopes=("read", "devices"))
    assert example.main(["--url", served, "--token", token, "--language", "en",
                         "--statements"]) == 0
    out = capsys.readouterr().out
    assert "-1 created (complete)" in out
    assert "-2 created (incomplete, missing: Missing: Specific characteristics as " \
           "prescribed)" in out
    assert "Statements: 2 created, 0 updated, 0 unchanged, 1 incomplete" in out
    assert example.main(["--url", served, "--token", token, "--statements"]) == 0
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out
    with app.app_context():
        from compliance.devices.models import DeviceStatement
        rows = db.session.scalars(select(DeviceStatement).order_by(DeviceStatement.id)).all()
        assert [s.complete for s in rows] == [True, False]


def test_the_example_shows_each_refusal(app, client, people, served, tmp_path, capsys):
    example = load_example()
    token = make_token(client, people["manager"], scopes=("read", "devices"))
    statements = example.demo_statements()
    statements[1]["patient_name"] = "Jan Peeters"
    source = tmp_path / "statements.json"
    source.write_text(json.dumps(statements), encoding="utf-8")
    assert example.main(["--url", served, "--token", token, "--language", "en",
                         "--statements", str(source)]) == 1
    err = capsys.readouterr().err
    assert "422 Statement refused" in err and "statement 1 (EX-" in err
    assert "patient_name: " in err
