"""Argon2 password hashing; the cost is set in the config (cheap only in tests)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("argon2")
    if hasher is None:
        hasher = PasswordHasher(**current_app.config.get("ARGON2_PARAMETERS", {}))
        current_app.extensions["argon2"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
