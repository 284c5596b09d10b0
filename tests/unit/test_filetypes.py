"""Which files are accepted as evidence (extension AND content) and how they are stored."""

from __future__ import annotations

import hashlib
import io
import stat
import struct
import zipfile
import zlib

import pytest

from compliance.evidence.filetypes import RefusedFile, check_filename, detect
from compliance.evidence.storage import CHUNK, path_for, store
from tests.factories import pdf_bytes

MB = 1024 * 1024


def png_bytes() -> bytes:
    """The PNG signature and a valid 1x1 IHDR chunk."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compress)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>'


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES,
                      "word/document.xml": b"<w:document/>"})


def xlsx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})


def opendocument_bytes(media_type: str) -> bytes:
    return zip_bytes({"mimetype": media_type.encode(), "content.xml": b"<office:document/>",
                      "META-INF/manifest.xml": b"<manifest/>"})


ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "Procédure de nettoyage — révision 2\r\nÉtape 1:\tdésinfecter\n"
CSV = "code;omschrijving;prijs\n1;Zool één;12,50 €\n2;Orthèse;99,00 €\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

ACCEPTED = [
    ("certificate.pdf", pdf_bytes("ISO 13485 certificate"), "pdf", "application/pdf"),
    ("SCAN.PDF", pdf_bytes("upper case extension"), "pdf", "application/pdf"),
    ("photo.png", png_bytes(), "png", "image/png"),
    ("photo.jpg", jpeg_bytes(), "jpg", "image/jpeg"),
    ("photo.jpeg", jpeg_bytes(), "jpeg", "image/jpeg"),
    ("procedure.docx", docx_bytes(), "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("register.xlsx", xlsx_bytes(), "xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("procedure.odt", opendocument_bytes(ODT), "odt", ODT),
    ("register.ods", opendocument_bytes(ODS), "ods", ODS),
    ("notes.txt", TEXT.encode("utf-8"), "txt", "text/plain"),
    ("notes-bom.txt", TEXT.encode("utf-8-sig"), "txt", "text/plain"),
    ("notes-windows.txt", TEXT.encode("cp1252"), "txt", "text/plain"),
    ("prices.csv", CSV.encode("utf-8"), "csv", "text/csv"),
    ("prices-windows.csv", CSV.encode("cp1252"), "csv", "text/csv"),
]


def detect_bytes(filename: str, content: bytes):
    return detect(filename, content[:16], lambda: content)


def files_under(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- detect: accepted ------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "content", "extension", "media_type"), ACCEPTED,
                         ids=[a[0] for a in ACCEPTED])
def test_each_accepted_type_is_recognised_by_its_content(filename, content, extension,
                                                         media_type):
    kind = detect_bytes(filename, content)
    assert kind.extension == extension
    assert kind.media_type == media_type


def test_cp1252_text_really_is_not_utf8():
    """The cp1252 samples above exercise the fallback, not the UTF-8 path."""
    with pytest.raises(UnicodeDecodeError):
        TEXT.encode("cp1252").decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        CSV.encode("cp1252").decode("utf-8")


def test_the_whole_content_is_only_read_when_the_format_needs_it():
    def read_all():
        raise AssertionError("a PDF is recognised by its first bytes")

    assert detect("a.pdf", pdf_bytes()[:16], read_all).extension == "pdf"


# --- detect: refused -------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "content", "shown"), [
    ("setup.exe", EXECUTABLE, "exe"),
    ("page.html", HTML, "html"),
    ("page.htm", HTML, "htm"),
    ("script.js", b"alert(1)", "js"),
    ("README", b"plain text without an extension", "—"),
    ("archive.pdf.exe", EXECUTABLE, "exe"),
    ("trailing-dot.", b"text", "—"),
])
def test_other_extensions_are_refused(filename, content, shown):
    with pytest.raises(RefusedFile) as refused:
        detect_bytes(filename, content)
    assert refused.value.code == "extension"
    assert refused.value.details["extension"] == shown


@pytest.mark.parametrize(("filename", "content", "claimed"), [
    ("invoice.pdf", EXECUTABLE, "PDF"),
    ("photo.png", HTML, "PNG"),
    ("report.pdf", HTML, "PDF"),
    ("photo.jpg", png_bytes(), "JPG"),
    ("photo.png", jpeg_bytes(), "PNG"),
    ("procedure.docx", zip_bytes({"readme.txt": b"just a zip"}), "DOCX"),
    ("procedure.docx", zip_bytes({"word/document.xml": b"<w:document/>"}), "DOCX"),
    ("register.xlsx", docx_bytes(), "XLSX"),
    ("procedure.docx", pdf_bytes(), "DOCX"),
    ("procedure.odt", zip_bytes({"content.xml": b"<office:document/>"}), "ODT"),
    ("register.ods", opendocument_bytes(ODT), "ODS"),
    ("procedure.odt", b"PK\x03\x04 a truncated archive", "ODT"),
    ("notes.txt", b"text\x00with\x00NUL bytes", "TXT"),
    ("notes.txt", EXECUTABLE, "TXT"),
    ("prices.csv", png_bytes(), "CSV"),
    ("notes.txt", b"bell \x07 and escape \x1b", "TXT"),
])
def test_content_that_does_not_match_the_extension_is_refused(filename, content, claimed):
    with pytest.raises(RefusedFile) as refused:
        detect_bytes(filename, content)
    assert refused.value.code == "content"
    assert refused.value.details["extension"] == claimed


@pytest.mark.parametrize("filename", ["empty.pdf", "empty.txt", "empty.docx"])
def test_empty_files_are_refused(filename):
    with pytest.raises(RefusedFile) as refused:
        detect_bytes(filename, b"")
    assert refused.value.code == "empty"


# --- check_filename --------------------------------------------------------------------------

@pytest.mark.parametrize("filename", [
    "../secret.pdf", "..\\secret.pdf", "a/../../b.pdf", "folder/report.pdf", "/etc/passwd.pdf",
    "C:\\Users\\me\\report.pdf", "sub\\report.pdf", "..", "report\x00.pdf", "report\n.pdf",
    "x" * 252 + ".pdf",
])
def test_names_with_folders_or_control_characters_are_refused(filename):
    with pytest.raises(RefusedFile) as refused:
        check_filename(filename)
    assert refused.value.code == "bad_name"


@pytest.mark.parametrize("filename", [None, "", "   "])
def test_a_file_needs_a_name(filename):
    with pytest.raises(RefusedFile) as refused:
        check_filename(filename)
    assert refused.value.code == "no_name"


@pytest.mark.parametrize(("filename", "kept"), [
    ("report.pdf", "report.pdf"),
    ("  Rapport annuel 2025 (v2).pdf ", "Rapport annuel 2025 (v2).pdf"),
    ("Jaarverslag één.pdf", "Jaarverslag één.pdf"),
    ("x" * 251 + ".pdf", "x" * 251 + ".pdf"),
])
def test_ordinary_names_are_kept(filename, kept):
    assert check_filename(filename) == kept


# --- store -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "content", "extension", "media_type"), ACCEPTED,
                         ids=[a[0] for a in ACCEPTED])
def test_store_keeps_each_accepted_type_under_its_hash(tmp_path, filename, content, extension,
                                                       media_type):
    root = tmp_path / "evidence"
    stored = store(root, filename, io.BytesIO(content), 10 * MB)
    sha256 = hashlib.sha256(content).hexdigest()
    assert stored.sha256 == sha256
    assert stored.size == len(content)
    assert stored.filename == filename
    assert (stored.kind.extension, stored.kind.media_type) == (extension, media_type)
    target = root / sha256[:2] / sha256[2:4] / sha256
    assert files_under(root) == [target]
    assert target.read_bytes() == content


def test_store_writes_the_same_content_once(tmp_path):
    root = tmp_path / "evidence"
    content = pdf_bytes("the same certificate")
    first = store(root, "certificate.pdf", io.BytesIO(content), MB)
    second = store(root, "certificate (copy).pdf", io.BytesIO(content), MB)
    assert first.sha256 == second.sha256 == hashlib.sha256(content).hexdigest()
    assert (first.filename, second.filename) == ("certificate.pdf", "certificate (copy).pdf")
    target = path_for(root, first.sha256)
    assert target == root / first.sha256[:2] / first.sha256[2:4] / first.sha256
    assert files_under(root) == [target]  # one file, no temporary left behind
    assert target.read_bytes() == content
    assert not target.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_store_keeps_different_contents_apart(tmp_path):
    root = tmp_path / "evidence"
    one = store(root, "a.pdf", io.BytesIO(pdf_bytes("one")), MB)
    two = store(root, "a.pdf", io.BytesIO(pdf_bytes("two")), MB)
    assert one.sha256 != two.sha256
    assert files_under(root) == sorted([path_for(root, one.sha256), path_for(root, two.sha256)])


def test_store_accepts_exactly_the_limit(tmp_path):
    content = b"a" * 100
    stored = store(tmp_path, "limit.txt", io.BytesIO(content), 100)
    assert stored.size == 100


@pytest.mark.parametrize(("filename", "content", "max_bytes", "code"), [
    ("setup.exe", EXECUTABLE, MB, "extension"),
    ("page.html", HTML, MB, "extension"),
    ("README", b"text", MB, "extension"),
    ("invoice.pdf", EXECUTABLE, MB, "content"),
    ("photo.png", HTML, MB, "content"),
    ("report.pdf", HTML, MB, "content"),
    ("procedure.docx", zip_bytes({"readme.txt": b"just a zip"}), MB, "content"),
    ("notes.txt", b"binary\x00\x01\x02", MB, "content"),
    ("empty.pdf", b"", MB, "empty"),
    ("big.txt", b"a" * 101, 100, "too_large"),
    ("big.pdf", pdf_bytes() + b"\n" * (2 * CHUNK), CHUNK + 10, "too_large"),
    ("../evil.pdf", pdf_bytes(), MB, "bad_name"),
    ("folder/evil.pdf", pdf_bytes(), MB, "bad_name"),
    ("folder\\evil.pdf", pdf_bytes(), MB, "bad_name"),
    (None, pdf_bytes(), MB, "no_name"),
])
def test_a_refused_file_leaves_nothing_behind(tmp_path, filename, content, max_bytes, code):
    root = tmp_path / "evidence"
    with pytest.raises(RefusedFile) as refused:
        store(root, filename, io.BytesIO(content), max_bytes)
    assert refused.value.code == code
    assert files_under(root) == []
    assert files_under(tmp_path) == []  # nothing written beside the folder either


def test_too_large_names_the_limit_in_megabytes(tmp_path):
    with pytest.raises(RefusedFile) as refused:
        store(tmp_path, "big.txt", io.BytesIO(b"a" * (2 * MB + 1)), 2 * MB)
    assert refused.value.details == {"max_mb": 2}
    assert files_under(tmp_path) == []


def test_a_refusal_after_an_accepted_file_keeps_the_accepted_one(tmp_path):
    content = pdf_bytes("kept")
    kept = store(tmp_path, "kept.pdf", io.BytesIO(content), MB)
    with pytest.raises(RefusedFile):
        store(tmp_path, "kept.pdf", io.BytesIO(EXECUTABLE), MB)
    assert files_under(tmp_path) == [path_for(tmp_path, kept.sha256)]


@pytest.mark.parametrize("sha256", ["../../etc/passwd", "A" * 64, "0" * 63, "g" * 64, ""])
def test_path_for_only_takes_a_sha256(tmp_path, sha256):
    with pytest.raises(ValueError, match="not a SHA-256"):
        path_for(tmp_path, sha256)
