"""Masking of personal numbers and names for display and for logs.

NIK and KK are 16 digits; we keep the first 4 (province + regency, not personal) and the last 4 so a
participant can still recognise their own number: `3171********0001`.

Names on public pages (the card and receipt verification pages, reachable by anyone holding the QR code)
go through `mask_name` only, so both pages reveal exactly the same thing.
"""

from __future__ import annotations

import re

_SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
# Indonesian mobile numbers: 08xx / 628xx / +628xx followed by 7-11 digits.
_MOBILE = re.compile(r"(?<!\d)(\+?62|0)(8\d{2})\d{4,8}(\d{2})(?!\d)")


def mask_nik(value: str) -> str:
    """Mask a 16-digit NIK/KK for display; anything else is fully masked."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) != 16:
        return "*" * len(digits) if digits else ""
    return f"{digits[:4]}{'*' * 8}{digits[-4:]}"


def mask_personal_numbers(text: str) -> str:
    """Mask every 16-digit number and every mobile number inside free text (log lines)."""
    text = _SIXTEEN_DIGITS.sub(lambda m: f"{m.group(1)}{'*' * 8}{m.group(2)}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(3)}", text)


def mask_name(full_name: str) -> str:
    """`Siti Nur Al` → `Si** Nu* A*`: two letters of each word (one of a word of one or two letters), the
    rest starred. Enough for the holder to recognise the name, not enough for a stranger to learn it."""
    words = []
    for word in full_name.split():
        keep = 1 if len(word) <= 2 else 2
        words.append(word[:keep] + "*" * (len(word) - keep))
    return " ".join(words)
