"""Belgian enterprise numbers (KBO/BCE): ten digits, the last two a mod-97 check.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re


class InvalidEnterpriseNumber(ValueError):
    def __init__(self, raw: str, reason: str):
        self.raw = raw
        self.reason = reason
        super().__init__(f"{raw!r} is not a valid enterprise number: {reason}")


def check_digits(first_eight: str) -> int:
    return 97 - int(first_eight) % 97


def normalize_enterprise_number(raw: str) -> str:
    """Return the number as 0123.456.749, or raise InvalidEnterpriseNumber.

    Accepts spaces, dots and dashes, a leading "BE", and the old nine-digit form.
    """
    digits = re.sub(r"[\s.\-]", "", raw.strip().upper()).removeprefix("BE")
    if digits and not digits.isdigit():
        raise InvalidEnterpriseNumber(raw, "only digits are allowed")
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10:
        raise InvalidEnterpriseNumber(raw, "it must have 10 digits")
    if digits[0] not in "01":
        raise InvalidEnterpriseNumber(raw, "it must start with 0 or 1")
    if check_digits(digits[:8]) != int(digits[8:]):
        raise InvalidEnterpriseNumber(raw, "the check digits do not match")
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def make_enterprise_number(first_eight: str) -> str:
    """The valid number with these first eight digits (for demo and test data)."""
    return normalize_enterprise_number(f"{first_eight}{check_digits(first_eight):02d}")
