"""Evidence through the app: upload to an answer, refusals, linking, download rights,
withdrawal and expiry, as the people of the conftest use them."""

from __future__ import annotations

import hashlib
import html
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance.assessments.models import AnswerEvidence, Assessment
from compliance.audit import AuditEvent
from compliance.evidence.models import Evidence
from tests import factories
from tests.conftest import csrf_token, login, post

MB = 1024 * 1024
EN = {"Accept-Language": "en"}
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde")


# --- helpers ---------------------------------------------------------------------------------

def answer_url(assessments, key: str = "ORG-01", code: str = "MEM-A") -> str:
    assessment_id = assessments["a" if code == "MEM-A" else "b"]
    return f"/assessments/{assessment_id}/answers/{assessments['answers'][(code, key)]}"


def answers_page_url(assessments, code: str = "MEM-A") -> str:
    return f"/assessments/{assessments['a' if code == 'MEM-A' else 'b']}/answers"


def multipart(fields: dict[str, str], files: list[tuple[bytes, str]]) -> tuple[bytes, str]:
    """A multipart body built by hand, for two reasons: the test client's own encoder leaves
    a temporary file open for bodies over 500 kB (a ResourceWarning, so an error here), and
    it writes a backslash in a file name unescaped, which the parser then drops."""
    boundary = "evidence-test-boundary-7d3f"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields.items()]
    for content, filename in files:
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                     f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client, assessments, files: list[tuple[bytes, str]], *, key: str = "ORG-01",
           code: str = "MEM-A", headers: dict | None = None, **fields):
    body, content_type = multipart({"csrf_token": csrf_token(client), **fields}, files)
    return client.post(answer_url(assessments, key, code) + "/evidence", data=body,
                       content_type=content_type, headers=headers or EN)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def stored_path(root: Path, content: bytes) -> Path:
    sha256 = hashlib.sha256(content).hexdigest()
    return root / sha256[:2] / sha256[2:4] / sha256


def count(model) -> int:
    from compliance.extensions import db
    return db.session.scalar(select(func.count()).select_from(model))


def state(app, root: Path) -> dict:
    """What an upload may change: rows, links, audit events and files."""
    with app.app_context():
        return {"evidence": count(Evidence), "links": count(AnswerEvidence),
                "events": count(AuditEvent), "files": files_under(root)}


def evidence_rows(app) -> list[dict]:
    from compliance.extensions import db
    with app.app_context():
        rows = db.session.scalars(select(Evidence).order_by(Evidence.id)).all()
        return [{"id": e.id, "title": e.title, "filename": e.filename, "sha256": e.sha256,
                 "size": e.size, "media_type": e.media_type, "member": e.member.code,
                 "withdrawn": e.withdrawn, "reason": e.withdrawal_reason,
                 "keys": sorted(link.answer.requirement_key for link in e.links)}
                for e in rows]


def audit_actions(app) -> list[str]:
    from compliance.extensions import db
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def logged_in(app, email: str):
    other = app.test_client()
    assert login(other, email).status_code == 302
    return other


def set_state(app, assessment_id: int, value: str) -> None:
    from compliance.extensions import db
    with app.app_context():
        db.session.get(Assessment, assessment_id).state = value
        db.session.commit()


def refused_page(response) -> str:
    """A refused post answers with its page again, the reason on it."""
    return html.unescape(response.get_data(as_text=True))


def page(client, url: str, headers: dict | None = None) -> str:
    response = client.get(url, headers=headers or EN)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def uploaded(app, people, assessments):
    """A PDF uploaded by MEM-A's manager to ORG-01; returns its id and bytes."""
    content = factories.pdf_bytes("quality manual v3")
    manager = logged_in(app, people["manager"])
    response = upload(manager, assessments, [(content, "quality-manual.pdf")],
                      title="Quality manual", version_note="v3")
    assert response.status_code == 302
    (row,) = evidence_rows(app)
    return {"id": row["id"], "content": content, "sha256": row["sha256"]}


# --- upload ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["manager", "contributor"])
def test_member_uploads_a_pdf_to_an_answer(app, client, people, assessments, evidence_dir,
                                           role):
    login(client, people[role])
    content = factories.pdf_bytes(f"certificate uploaded by the {role}")
    sha256 = hashlib.sha256(content).hexdigest()
    assert sha256[:12] not in page(client, answers_page_url(assessments))
    response = upload(client, assessments, [(content, "ISO-13485 certificate.pdf")],
                      title="ISO 13485 certificate", document_date="2025-01-15",
                      expiry_date=(date.today() + timedelta(days=365)).isoformat(),
                      version_note="issue 4")
    assert response.status_code == 302
    answer_id = assessments["answers"][("MEM-A", "ORG-01")]
    assert response.headers["Location"].endswith(
        f"{answers_page_url(assessments)}?focus={answer_id}#ORG-01")
    shown = page(client, response.headers["Location"])
    assert "1 file added to ORG-01." in shown
    assert "ISO 13485 certificate" in shown
    assert "ISO-13485 certificate.pdf" in shown and "valid until" in shown
    details = page(client, answer_url(assessments) + "/evidence")
    assert sha256[:12] in details and "issue 4" in details
    assert files_under(evidence_dir) == [stored_path(evidence_dir, content)]
    assert stored_path(evidence_dir, content).read_bytes() == content
    (row,) = evidence_rows(app)
    assert row | {"id": None} == {
        "id": None, "title": "ISO 13485 certificate", "filename": "ISO-13485 certificate.pdf",
        "sha256": sha256, "size": len(content), "media_type": "application/pdf",
        "member": "MEM-A", "withdrawn": False, "reason": None, "keys": ["ORG-01"]}
    assert audit_actions(app)[-3:] == ["evidence.uploaded", "assessment.state", "evidence.linked"]


def test_several_files_in_one_request_are_all_stored_and_linked(app, client, people,
                                                                 assessments, evidence_dir):
    login(client, people["manager"])
    pdf = factories.pdf_bytes("training record")
    files = [(pdf, "training-record.pdf"), (PNG, "workshop.png"),
             ("code;naam\n1;Zool één\n".encode("cp1252"), "stock.csv")]
    response = upload(client, assessments, files, key="ORG-02", title="Shared title")
    assert response.status_code == 302
    assert "3 files added to ORG-02." in page(client, response.headers["Location"])
    rows = evidence_rows(app)
    assert [(r["filename"], r["media_type"], r["keys"]) for r in rows] == [
        ("training-record.pdf", "application/pdf", ["ORG-02"]),
        ("workshop.png", "image/png", ["ORG-02"]),
        ("stock.csv", "text/csv", ["ORG-02"])]
    # A title typed once cannot name several files: each is named after its file.
    assert [r["title"] for r in rows] == ["training-record", "workshop", "stock"]
    assert files_under(evidence_dir) == sorted(stored_path(evidence_dir, c) for c, _ in files)


def test_the_same_file_uploaded_twice_is_stored_once(app, client, people, assessments,
                                                      evidence_dir):
    """Recognised by its SHA-256: the member's evidence is reused, with a message."""
    login(client, people["manager"])
    content = factories.pdf_bytes("same bytes")
    assert upload(client, assessments, [(content, "a.pdf")], title="Hygiene plan"
                  ).status_code == 302
    again = upload(client, assessments, [(content, "b.pdf")], key="MGT-01")
    assert again.status_code == 302
    assert "b.pdf is already in the library as “Hygiene plan”: that evidence is used, the " \
        "file is not stored twice." in page(client, again.headers["Location"])
    (row,) = evidence_rows(app)
    assert row["keys"] == ["MGT-01", "ORG-01"] and row["filename"] == "a.pdf"
    assert files_under(evidence_dir) == [stored_path(evidence_dir, content)]
    assert audit_actions(app).count("evidence.uploaded") == 1


def test_an_upload_without_a_file_is_refused(app, client, people, assessments, evidence_dir):
    login(client, people["manager"])
    before = state(app, evidence_dir)
    response = post(client, answer_url(assessments) + "/evidence", {"title": "Nothing"},
                    content_type="multipart/form-data", headers=EN)
    assert response.status_code == 400
    assert "Choose at least one file." in response.get_data(as_text=True)
    assert state(app, evidence_dir) == before


REFUSED = [
    ("big.pdf", factories.pdf_bytes() + b"\n" * (3 * MB // 2), "big.pdf is larger than 1 MB."),
    ("tool.exe", EXECUTABLE, "tool.exe: files of type EXE are not accepted. Accepted: PDF, PNG, "
                             "JPEG, DOCX, XLSX, ODT, ODS, TXT, CSV."),
    ("page.html", HTML, "page.html: files of type HTML are not accepted."),
    ("invoice.pdf", EXECUTABLE,
     "invoice.pdf is not a real PDF file: its content does not match its extension."),
    ("photo.png", HTML,
     "photo.png is not a real PNG file: its content does not match its extension."),
    ("report.pdf", HTML,
     "report.pdf is not a real PDF file: its content does not match its extension."),
    ("empty.pdf", b"", "empty.pdf is empty."),
    ("../secret.pdf", factories.pdf_bytes(),
     "../secret.pdf: a file name may not contain folders, '..' or control characters."),
    ("folder/report.pdf", factories.pdf_bytes(),
     "folder/report.pdf: a file name may not contain folders, '..' or control characters."),
    ("folder\\report.pdf", factories.pdf_bytes(),
     "folder\\report.pdf: a file name may not contain folders, '..' or control characters."),
]


@pytest.mark.parametrize(("filename", "content", "message"), REFUSED,
                         ids=[r[0] for r in REFUSED])
def test_a_refused_upload_is_named_and_stores_nothing(app, client, people, assessments,
                                                      evidence_dir, monkeypatch, filename,
                                                      content, message):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    login(client, people["manager"])
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(content, filename)], title="Refused")
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert state(app, evidence_dir) == before
    assert before["evidence"] == 0 and before["files"] == []


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_refusal_comes_back_in_the_users_language(app, client, people, assessments,
                                                    evidence_dir, language):
    login(client, people["manager"])
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(EXECUTABLE, "facture.pdf")],
                      headers={"Accept-Language": language})
    assert response.status_code == 400
    text = html.unescape(response.get_data(as_text=True))
    assert f'<html lang="{language}">' in text
    assert "facture.pdf" in text  # the message names the file, whichever the language
    assert state(app, evidence_dir) == before


def test_one_refused_file_refuses_the_whole_request(app, client, people, assessments,
                                                    evidence_dir):
    login(client, people["manager"])
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(factories.pdf_bytes("good"), "good.pdf"),
                                            (EXECUTABLE, "bad.pdf")])
    assert response.status_code == 400
    assert "bad.pdf is not a real PDF file" in response.get_data(as_text=True)
    after = state(app, evidence_dir)
    assert {k: v for k, v in after.items() if k != "files"} == \
        {k: v for k, v in before.items() if k != "files"}
    assert after["files"] == before["files"]  # good.pdf is not left behind


def test_a_long_file_name_without_a_title_gives_a_title_that_fits(app, client, people,
                                                                  assessments):
    login(client, people["manager"])
    filename = "r" * 230 + ".pdf"  # 234 characters: a name check_filename accepts
    response = upload(client, assessments, [(factories.pdf_bytes(), filename)])
    assert response.status_code == 302
    (row,) = evidence_rows(app)
    assert row["filename"] == filename
    assert len(row["title"]) <= 200


def test_the_expiry_may_not_precede_the_document_date(app, client, people, assessments,
                                                      evidence_dir):
    login(client, people["manager"])
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(factories.pdf_bytes(), "cert.pdf")],
                      document_date="2025-06-01", expiry_date="2025-05-31")
    assert response.status_code == 400
    assert "The expiry date is before the document date." in response.get_data(as_text=True)
    assert state(app, evidence_dir) == before


def test_no_upload_to_a_submitted_assessment(app, client, people, assessments, evidence_dir):
    set_state(app, assessments["a"], "submitted")
    login(client, people["manager"])
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(factories.pdf_bytes(), "late.pdf")])
    assert response.status_code == 409  # the page again, saying why
    assert "it is locked while the consultant reviews it" in refused_page(response)
    assert state(app, evidence_dir) == before
    assert 'type="file"' not in page(client, answers_page_url(assessments))


def test_no_upload_to_another_members_assessment(app, client, people, assessments,
                                                 evidence_dir):
    login(client, people["manager_b"])
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(factories.pdf_bytes(), "x.pdf")])
    assert response.status_code == 404
    assert state(app, evidence_dir) == before


@pytest.mark.parametrize("role", ["consultant", "staff"])
def test_readers_cannot_upload(app, client, people, assessments, evidence_dir, role):
    login(client, people[role])
    before = state(app, evidence_dir)
    response = upload(client, assessments, [(factories.pdf_bytes(), "x.pdf")])
    assert response.status_code == 403
    assert state(app, evidence_dir) == before


def test_anonymous_upload_goes_to_the_login_page(app, client, assessments, evidence_dir):
    response = upload(client, assessments, [(factories.pdf_bytes(), "x.pdf")])
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert files_under(evidence_dir) == []


# --- link and unlink -------------------------------------------------------------------------

def test_one_file_supports_several_requirements_and_unlinking_keeps_it(app, client, people,
                                                                       assessments, uploaded,
                                                                       evidence_dir):
    login(client, people["contributor"])
    offered = page(client, answer_url(assessments, "MGT-01") + "/evidence")
    assert f'name="evidence" value="{uploaded["id"]}"' in offered
    response = post(client, answer_url(assessments, "MGT-01") + "/link",
                    {"evidence": uploaded["id"]}, headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#MGT-01")
    shown = page(client, response.headers["Location"])
    assert "1 file of the library now supports MGT-01." in shown
    assert shown.count(f'href="/evidence/{uploaded["id"]}/download"') == 2  # ORG-01, MGT-01
    assert evidence_rows(app)[0]["keys"] == ["MGT-01", "ORG-01"]
    assert audit_actions(app)[-1] == "evidence.linked"
    library = page(client, "/evidence/")
    assert "#ORG-01" in library and "#MGT-01" in library

    again = post(client, answer_url(assessments, "MGT-01") + "/link",
                 {"evidence": uploaded["id"]}, headers=EN)
    assert again.status_code == 400  # the evidence page again, the message on it
    assert "This file already supports this requirement." in refused_page(again)
    assert evidence_rows(app)[0]["keys"] == ["MGT-01", "ORG-01"]

    response = post(client, answer_url(assessments, "ORG-01") + f"/unlink/{uploaded['id']}",
                    headers=EN)
    assert response.status_code == 302
    shown = page(client, response.headers["Location"])
    assert "“Quality manual” no longer supports ORG-01; the file is kept." in shown
    (row,) = evidence_rows(app)
    assert row["keys"] == ["MGT-01"] and not row["withdrawn"]
    assert audit_actions(app)[-1] == "evidence.unlinked"
    assert stored_path(evidence_dir, uploaded["content"]).read_bytes() == uploaded["content"]

    post(client, answer_url(assessments, "MGT-01") + f"/unlink/{uploaded['id']}", headers=EN)
    (row,) = evidence_rows(app)
    assert row["keys"] == [] and row["id"] == uploaded["id"]
    assert files_under(evidence_dir) == [stored_path(evidence_dir, uploaded["content"])]
    with client.get(f"/evidence/{uploaded['id']}/download") as download:
        assert download.status_code == 200 and download.get_data() == uploaded["content"]


def test_unlinking_a_file_that_is_not_linked_says_so(app, client, people, assessments,
                                                     uploaded):
    login(client, people["manager"])
    response = post(client, answer_url(assessments, "MGT-01") + f"/unlink/{uploaded['id']}",
                    headers=EN)
    assert response.status_code == 400
    assert "This file does not support this requirement." in refused_page(response)
    assert evidence_rows(app)[0]["keys"] == ["ORG-01"]


def test_a_file_of_another_member_cannot_be_linked(app, client, people, assessments, uploaded):
    login(client, people["manager_b"])
    before = audit_actions(app)
    response = post(client, answer_url(assessments, "ORG-01", "MEM-B") + "/link",
                    {"evidence": uploaded["id"]}, headers=EN)
    assert response.status_code == 404
    response = post(client, answer_url(assessments, "ORG-01", "MEM-B")
                    + f"/unlink/{uploaded['id']}", headers=EN)
    assert response.status_code == 404
    assert evidence_rows(app)[0]["keys"] == ["ORG-01"]
    assert audit_actions(app) == before


def test_no_link_or_unlink_once_submitted(app, client, people, assessments, uploaded):
    set_state(app, assessments["a"], "submitted")
    login(client, people["manager"])
    assert post(client, answer_url(assessments, "MGT-01") + "/link",
                {"evidence": uploaded["id"]}).status_code == 409
    assert post(client, answer_url(assessments, "ORG-01")
                + f"/unlink/{uploaded['id']}").status_code == 409
    assert evidence_rows(app)[0]["keys"] == ["ORG-01"]


# --- download --------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["manager", "contributor", "consultant", "staff", "admin"])
def test_who_may_see_the_member_downloads_the_exact_file(app, client, people, uploaded, role):
    login(client, people[role])
    with client.get(f"/evidence/{uploaded['id']}/download") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == \
            "attachment; filename=quality-manual.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Type"] == "application/pdf"
        assert "no-store" in response.headers["Cache-Control"]
        assert response.get_data() == uploaded["content"]


def test_another_members_manager_gets_a_404(app, client, people, uploaded):
    login(client, people["manager_b"])
    assert client.get(f"/evidence/{uploaded['id']}/download").status_code == 404
    assert "Quality manual" not in page(client, "/evidence/")  # MEM-B's own library


@pytest.mark.parametrize("assigned", [[], ["MEM-B"]])
def test_a_consultant_not_assigned_to_the_member_gets_a_404(app, client, people, uploaded,
                                                            assigned):
    from compliance.extensions import db
    from compliance.members.models import Member
    with app.app_context():
        members = [db.session.scalar(select(Member).where(Member.code == code))
                   for code in assigned]
        factories.user("other.consultant@x.example", "consultant", assigned=members)
        db.session.commit()
    login(client, "other.consultant@x.example")
    assert client.get(f"/evidence/{uploaded['id']}/download").status_code == 404


def test_anonymous_download_goes_to_the_login_page(app, client, uploaded):
    response = client.get(f"/evidence/{uploaded['id']}/download")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_unknown_file_is_a_404(app, client, people, uploaded):
    login(client, people["admin"])
    assert client.get(f"/evidence/{uploaded['id'] + 1000}/download").status_code == 404


# --- withdraw --------------------------------------------------------------------------------

def test_withdrawal_needs_a_reason(app, client, people, uploaded):
    login(client, people["manager"])
    before = audit_actions(app)
    response = post(client, f"/evidence/{uploaded['id']}/withdraw", {"reason": "  "},
                    headers=EN)
    assert response.status_code == 400
    assert "Say why the file is withdrawn." in refused_page(response)
    assert evidence_rows(app)[0]["withdrawn"] is False
    assert audit_actions(app) == before


def test_a_withdrawn_file_stays_downloadable_but_supports_nothing_new(app, client, people,
                                                                      assessments, uploaded,
                                                                      evidence_dir):
    login(client, people["contributor"])
    response = post(client, f"/evidence/{uploaded['id']}/withdraw",
                    {"reason": "Replaced by version 4"}, headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/evidence/")
    library = page(client, response.headers["Location"])
    assert "Quality manual is withdrawn: it no longer counts, and stays in the history." \
        in library
    assert '<tr class="withdrawn">' in library and "Replaced by version 4" in library
    (row,) = evidence_rows(app)
    assert row["withdrawn"] and row["reason"] == "Replaced by version 4"
    assert row["keys"] == ["ORG-01"]  # the history of the answer is kept
    assert audit_actions(app)[-1] == "evidence.withdrawn"

    with client.get(f"/evidence/{uploaded['id']}/download") as download:
        assert download.status_code == 200 and download.get_data() == uploaded["content"]
    assert stored_path(evidence_dir, uploaded["content"]).exists()

    answers = page(client, answers_page_url(assessments))
    assert '<li class="withdrawn">' in answers
    offered = page(client, answer_url(assessments, "MGT-01") + "/evidence")
    assert f'value="{uploaded["id"]}"' not in offered  # not offered for linking

    before = audit_actions(app)
    response = post(client, answer_url(assessments, "MGT-01") + "/link",
                    {"evidence": uploaded["id"]}, headers=EN)
    assert response.status_code == 400
    assert "This file was withdrawn and cannot support an answer." in refused_page(response)
    assert evidence_rows(app)[0]["keys"] == ["ORG-01"]
    assert audit_actions(app) == before

    again = post(client, f"/evidence/{uploaded['id']}/withdraw", {"reason": "twice"},
                 headers=EN)
    assert again.status_code == 400
    assert "This file is already withdrawn." in refused_page(again)
    assert evidence_rows(app)[0]["reason"] == "Replaced by version 4"


def test_another_members_manager_cannot_withdraw(app, client, people, uploaded):
    login(client, people["manager_b"])
    response = post(client, f"/evidence/{uploaded['id']}/withdraw", {"reason": "mine now"})
    assert response.status_code == 404
    assert evidence_rows(app)[0]["withdrawn"] is False


@pytest.mark.parametrize("role", ["consultant", "staff"])
def test_readers_cannot_withdraw(app, client, people, uploaded, role):
    login(client, people[role])
    response = post(client, f"/evidence/{uploaded['id']}/withdraw", {"reason": "outdated"})
    assert response.status_code == 403
    assert evidence_rows(app)[0]["withdrawn"] is False


# --- expiry ----------------------------------------------------------------------------------

def test_expired_evidence_is_flagged(app, client, people, assessments):
    login(client, people["manager"])
    yesterday = date.today() - timedelta(days=1)
    response = upload(client, assessments, [(factories.pdf_bytes("old"), "old-cert.pdf")],
                      title="Old certificate", document_date="2020-01-01",
                      expiry_date=yesterday.isoformat())
    assert response.status_code == 302
    response = upload(client, assessments, [(factories.pdf_bytes("new"), "new-cert.pdf")],
                      key="MGT-01", title="New certificate",
                      expiry_date=date.today().isoformat())
    assert response.status_code == 302
    shown = page(client, answers_page_url(assessments))
    old = shown[shown.index("Old certificate"):shown.index("</li>", shown.index("Old certificate"))]
    new = shown[shown.index("New certificate"):shown.index("</li>", shown.index("New certificate"))]
    assert 'class="badge badge-major">expired' in old
    assert "expired" not in new and "valid until" in new  # expires at the end of today
    library = page(client, "/evidence/")
    assert library.count('class="badge badge-major">expired') == 1
