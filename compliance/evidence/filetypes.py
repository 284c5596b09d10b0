"""Which files are accepted as evidence: checked by extension AND by content.

Pure: no Flask, no database. The browser's declared type is ignored; what counts is
the name's extension and the bytes, which must agree.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain",
    "csv": "text/csv",
}
ACCEPTED = ("PDF", "PNG", "JPEG", "DOCX", "XLSX", "ODT", "ODS", "TXT", "CSV")
OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
TEXT_CONTROL_OK = {9, 10, 12, 13}


class RefusedFile(ValueError):
    """``code`` names the reason; views turn it into a sentence in the user's language."""

    def __init__(self, code: str, **details: object):
        self.code = code
        self.details = details
        super().__init__(code)


@dataclass(frozen=True)
class FileKind:
    extension: str
    media_type: str


def check_filename(filename: str | None) -> str:
    """Return the name as it will be kept, or refuse it."""
    name = (filename or "").strip()
    if not name:
        raise RefusedFile("no_name")
    if "/" in name or "\\" in name or ".." in name or any(ord(c) < 32 for c in name) \
            or len(name) > 255:
        raise RefusedFile("bad_name")
    return name


def extension_of(filename: str) -> str:
    return PurePosixPath(filename).suffix.lower().lstrip(".")


def detect(filename: str, head: bytes, read_all) -> FileKind:  # noqa: ANN001
    """Check that the content matches the extension.

    ``head`` is the first bytes; ``read_all`` returns the whole content, only called for
    the formats that need it (ZIP-based documents, text).
    """
    extension = extension_of(filename)
    if extension not in MEDIA_TYPES:
        raise RefusedFile("extension", extension=extension or "—")
    if not head:
        raise RefusedFile("empty")
    ok = {
        "pdf": lambda: head.startswith(b"%PDF-"),
        "png": lambda: head.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpg": lambda: head.startswith(b"\xff\xd8\xff"),
        "jpeg": lambda: head.startswith(b"\xff\xd8\xff"),
        "docx": lambda: _is_ooxml(read_all(), OOXML_PART["docx"]),
        "xlsx": lambda: _is_ooxml(read_all(), OOXML_PART["xlsx"]),
        "odt": lambda: _is_opendocument(read_all(), MEDIA_TYPES["odt"]),
        "ods": lambda: _is_opendocument(read_all(), MEDIA_TYPES["ods"]),
        "txt": lambda: _is_text(read_all()),
        "csv": lambda: _is_text(read_all()),
    }[extension]()
    if not ok:
        raise RefusedFile("content", extension=extension.upper())
    return FileKind(extension, MEDIA_TYPES[extension])


def _zip(content: bytes) -> zipfile.ZipFile | None:
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return None


def _is_ooxml(content: bytes, part: str) -> bool:
    archive = _zip(content)
    if archive is None:
        return False
    names = set(archive.namelist())
    return "[Content_Types].xml" in names and part in names


def _is_opendocument(content: bytes, media_type: str) -> bool:
    archive = _zip(content)
    if archive is None or "mimetype" not in archive.namelist():
        return False
    with archive.open("mimetype") as entry:  # a few bytes: never a whole (bomb) entry
        return entry.read(100).strip() == media_type.encode()


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
        if text.count("\ufffd") > len(text) // 100:
            return False
    controls = sum(1 for c in text if ord(c) < 32 and ord(c) not in TEXT_CONTROL_OK)
    return controls == 0
