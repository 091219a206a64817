"""Indonesian mobile numbers in one form: digits, country code first (`6281234567890`)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"^\+?[0-9]{8,15}$")


def normalize_msisdn(value: str) -> str | None:
    """`0812-3456-7890`, `+62 812 3456 7890` and `6281234567890` → `6281234567890`; None if not an
    Indonesian mobile number (8 after the country code, 9-12 digits after it)."""
    raw = re.sub(r"[\s\-().]", "", value or "")
    if not _DIGITS.match(raw):
        return None
    digits = raw.lstrip("+")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif not digits.startswith("62"):
        return None
    national = digits[2:]
    if not national.startswith("8") or not 9 <= len(national) <= 12:
        return None
    return digits
