"""Signed tokens for the public card verification URL.

The token signs the card's random `verification_code` with its own salt: the URL carries no KPJ, NIK or
database id, cannot be guessed, and a tampered token fails the signature check. Tokens do not expire
(a printed card stays verifiable); the page always shows the KPJ's current status.
"""

from __future__ import annotations

from django.core import signing

SALT = "participants.card.verify"


def _signer() -> signing.Signer:
    # No timestamp: the same card always gets the same URL (a printed QR never changes).
    return signing.Signer(salt=SALT)


def card_token(verification_code: str) -> str:
    return _signer().sign(verification_code)


def card_code_from_token(token: str) -> str | None:
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None
