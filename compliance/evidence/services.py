"""Uploading and withdrawing evidence (never deleting it: MDR records are kept). Linking
a file to an answer or an action belongs to those features."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.evidence import storage
from compliance.evidence.filetypes import ACCEPTED, RefusedFile
from compliance.evidence.models import Evidence
from compliance.evidence.stores import evidence_store
from compliance.extensions import db

if TYPE_CHECKING:
    from compliance.auth.models import User
    from compliance.members.models import Member


def refusal_message(refused: RefusedFile, filename: str | None) -> object:
    name = filename or "—"
    messages = {
        "no_name": _l("The file has no name."),
        "bad_name": _l("%(name)s: a file name may not contain folders, '..' or control "
                       "characters.", name=name),
        "extension": _l("%(name)s: files of type %(extension)s are not accepted. Accepted: "
                        "%(accepted)s.", name=name, accepted=", ".join(ACCEPTED),
                        extension=str(refused.details.get("extension", "")).upper()),
        "empty": _l("%(name)s is empty.", name=name),
        "content": _l("%(name)s is not a real %(extension)s file: its content does not "
                      "match its extension.", name=name,
                      extension=refused.details.get("extension", "")),
        "too_large": _l("%(name)s is larger than %(max)d MB.", name=name,
                        max=refused.details.get("max_mb", 0)),
    }
    return messages.get(refused.code, _l("%(name)s was refused.", name=name))


TITLE_LENGTH = 200
#: Files one upload request may carry (MAX_CONTENT_LENGTH allows this many at full size).
MAX_FILES_PER_UPLOAD = 10


def evidence_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def max_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """One file of an upload request: its name as sent and its content."""

    filename: str | None
    stream: BinaryIO


def upload_evidence(member: Member, *, filename: str | None, stream: BinaryIO, title: str,
                    document_date: date | None, expiry_date: date | None,
                    version_note: str | None, actor: User) -> Evidence:
    """Store and record one file."""
    (evidence,) = upload_files(member, [Upload(filename, stream)], title=title,
                               document_date=document_date, expiry_date=expiry_date,
                               version_note=version_note, actor=actor)
    return evidence


def upload_files(member: Member, uploads: list[Upload], *, title: str,
                 document_date: date | None, expiry_date: date | None,
                 version_note: str | None, actor: User) -> list[Evidence]:
    """Store and record the files of one request: all of them or none.

    Every file is checked before any is placed, so a refused request leaves nothing but
    its own temporary files, which it removes. A file is placed under its hash before
    its row is written and is never removed here, even if the request fails later:
    another request may be recording the same content (``compliance evidence gc``
    removes files no row refers to, after a grace period)."""
    if not uploads:
        raise DomainError(_l("Choose at least one file."))
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise DomainError(_l("At most %(max)d files can be uploaded at once; you chose "
                             "%(count)d. Nothing was saved: send them in smaller groups.",
                             max=MAX_FILES_PER_UPLOAD, count=len(uploads)))
    if expiry_date and document_date and expiry_date < document_date:
        raise DomainError(_l("The expiry date is before the document date."))
    store = evidence_store()
    received: list[storage.ReceivedFile] = []
    stored: list[storage.StoredFile] = []
    try:
        for upload in uploads:
            try:
                received.append(store.receive(upload.filename, upload.stream, max_bytes()))
            except RefusedFile as refused:
                raise DomainError(refusal_message(refused, upload.filename)) from None
        for item in received:
            stored.append(store.place(item))
    finally:
        for item in received[len(stored):]:  # this request's own files, never placed
            store.discard(item)
    title = title.strip() if len(uploads) == 1 else ""
    return [_record(member, item, title=title, document_date=document_date,
                    expiry_date=expiry_date, version_note=version_note, actor=actor)
            for item in stored]


def _record(member: Member, stored: storage.StoredFile, *, title: str,
            document_date: date | None, expiry_date: date | None, version_note: str | None,
            actor: User) -> Evidence:
    evidence = Evidence(member_id=member.id, sha256=stored.sha256, size=stored.size,
                        filename=stored.filename, media_type=stored.kind.media_type,
                        title=(title or Path(stored.filename).stem)[:TITLE_LENGTH],
                        document_date=document_date, expiry_date=expiry_date,
                        version_note=(version_note or "").strip() or None,
                        uploaded_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    log_event("evidence.uploaded", evidence, actor=actor, member_id=member.id,
              after=evidence.snapshot())
    return evidence


def evidence_with_content(member_id: int, stream: BinaryIO) -> Evidence | None:
    """The member's evidence (not withdrawn) whose file has this content, if any: the
    same file uploaded again is recognised by its SHA-256. The stream is rewound."""
    digest = hashlib.sha256()
    while chunk := stream.read(storage.CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return db.session.scalar(
        select(Evidence).where(Evidence.member_id == member_id,
                               Evidence.sha256 == digest.hexdigest(),
                               Evidence.withdrawn_at.is_(None))
        .order_by(Evidence.id).limit(1))


def upload_or_reuse(member: Member, uploads: list[Upload], *, title: str,
                    document_date: date | None, expiry_date: date | None,
                    version_note: str | None, actor: User) -> list[tuple[Evidence, bool]]:
    """The files of one request, each as an evidence and whether it was already in the
    member's library (recognised by its SHA-256: then that evidence is used, the file is
    not stored twice). The new ones are stored by :func:`upload_files`: all or none."""
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        upload_files(member, uploads, title=title, document_date=document_date,
                     expiry_date=expiry_date, version_note=version_note, actor=actor)
    known = [evidence_with_content(member.id, upload.stream) for upload in uploads]
    fresh = [upload for upload, evidence in zip(uploads, known, strict=True) if evidence is None]
    created = iter(upload_files(member, fresh, title=title if len(uploads) == 1 else "",
                                document_date=document_date, expiry_date=expiry_date,
                                version_note=version_note, actor=actor) if fresh else [])
    return [(evidence, True) if evidence is not None else (next(created), False)
            for evidence in known]


def reused_message(filename: str | None, evidence: Evidence) -> object:
    return _l("%(name)s is already in the library as “%(title)s”: that evidence is used, "
              "the file is not stored twice.", name=filename or "—", title=evidence.title)


def withdraw_evidence(evidence: Evidence, *, reason: str, actor: User) -> None:
    if evidence.withdrawn:
        raise DomainError(_l("This file is already withdrawn."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Say why the file is withdrawn."))
    before = evidence.snapshot()
    evidence.withdrawn_at = utcnow()
    evidence.withdrawn_by_id = actor.id
    evidence.withdrawal_reason = reason
    log_event("evidence.withdrawn", evidence, actor=actor, member_id=evidence.member_id,
              before=before, after={**evidence.snapshot(), "reason": reason})
