"""Uploading and withdrawing evidence (never deleting it: MDR records are kept). Linking
a file to an answer or an action belongs to those features."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance.audit import log_event
from compliance.db import utcnow
from compliance.errors import DomainError
from compliance.evidence import storage
from compliance.evidence.filetypes import ACCEPTED, RefusedFile
from compliance.evidence.models import Evidence
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


def discard_unreferenced(sha256s: list[str]) -> None:
    """After a refused request: remove the files it wrote itself that no evidence refers
    to (a file that was already there is never touched)."""
    for sha256 in sha256s:
        if db.session.scalar(select(Evidence.id).where(Evidence.sha256 == sha256)) is None:
            storage.path_for(evidence_root(), sha256).unlink(missing_ok=True)


def evidence_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def max_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def upload_evidence(member: Member, *, filename: str | None, stream: BinaryIO, title: str,
                    document_date: date | None, expiry_date: date | None,
                    version_note: str | None, actor: User,
                    new_files: list[str] | None = None) -> Evidence:
    """Store and record one file; ``new_files`` collects the hashes of files this call
    wrote to disk (not already there), which the caller may discard if it rolls back."""
    if expiry_date and document_date and expiry_date < document_date:
        raise DomainError(_l("The expiry date is before the document date."))
    try:
        stored = storage.store(evidence_root(), filename, stream, max_bytes())
    except RefusedFile as refused:
        raise DomainError(refusal_message(refused, filename)) from None
    if stored.created and new_files is not None:
        new_files.append(stored.sha256)
    evidence = Evidence(member_id=member.id, sha256=stored.sha256, size=stored.size,
                        filename=stored.filename, media_type=stored.kind.media_type,
                        title=(title.strip() or Path(stored.filename).stem)[:TITLE_LENGTH],
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


def upload_or_reuse(member: Member, *, filename: str | None, stream: BinaryIO,
                    **details: Any) -> tuple[Evidence, bool]:
    """Upload a file, unless the member already has it: then that evidence, and True.
    ``details`` are :func:`upload_evidence`'s keyword arguments."""
    existing = evidence_with_content(member.id, stream)
    if existing is not None:
        return existing, True
    return upload_evidence(member, filename=filename, stream=stream, **details), False


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
