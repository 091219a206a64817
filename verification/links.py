"""The two links a person receives: the status page of their request (a signed id, no account needed)
and the single-use activation link after approval (a random token, only its hash is stored)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

from portal.notices import absolute_url

_STATUS_SALT = "verification.status"


def status_token(request_id: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=_STATUS_SALT).sign(request_id.hex)


def request_id_from_status_token(token: str) -> uuid.UUID | None:
    """The request id the token was made for, or None when forged, altered or older than
    VERIFICATION_STATUS_LINK_DAYS."""
    max_age = dt.timedelta(days=settings.VERIFICATION_STATUS_LINK_DAYS)
    try:
        value = signing.TimestampSigner(salt=_STATUS_SALT).unsign(token, max_age=max_age)
        return uuid.UUID(hex=value)
    except (signing.BadSignature, ValueError):
        return None


def status_url(request_id: uuid.UUID) -> str:
    return absolute_url(reverse("verification:status", args=[status_token(request_id)]))


def activation_token_new() -> tuple[str, str]:
    """(token for the link, its hash for the database)."""
    token = secrets.token_urlsafe(32)
    return token, activation_token_hash(token)


def activation_token_hash(token: str) -> str:
    return hashlib.sha256(f"verification.activation:{token}".encode()).hexdigest()


def activation_url(token: str) -> str:
    return absolute_url(reverse("verification:activate", args=[token]))
