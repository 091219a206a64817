"""The activation code mechanism, for other flows that confirm a person by a 6-digit code
(BPU self-registration in `contributions.registration`).

Nothing new here: the code format, its keyed hash (HMAC with SECRET_KEY and the pending row's id, so a
database dump alone cannot brute-force it offline), its lifetime (`ACTIVATION_CODE_TTL`), the wrong-code
limit (`ACTIVATION_CODE_MAX_ATTEMPTS`), the cool-down and the number of codes per pending row
(`ACTIVATION_RESEND_COOLDOWN`, `ACTIVATION_MAX_SENDS`) and the hourly SMS limit per phone
(`ACTIVATION_RATE_PER_PHONE`, one counter shared by every flow) are the ones `accounts.services` uses
for account activation. Callers keep their own pending row (id, code hash, attempts, channel, sends,
last_sent_at, expiry, used/voided) and send the code as a notice of their own (portal.notices).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import uuid

from django.conf import settings

from accounts.services import _code_hash, _phone_allows_sms, _SentCode, resend_available_at


def code_new() -> str:
    """A fresh 6-digit code, as activation makes them."""
    return f"{secrets.randbelow(10**6):06d}"


def code_hash(*, pending_id: uuid.UUID, code: str) -> str:
    """The stored form of `code` for the pending row `pending_id` (activation's keyed hash)."""
    return _code_hash(activation_id=pending_id, code=code.strip())


def code_matches(*, pending_id: uuid.UUID, code: str, stored_hash: str) -> bool:
    """Constant-time comparison of a typed code with the stored hash."""
    return hmac.compare_digest(stored_hash, code_hash(pending_id=pending_id, code=code))


def code_ttl_seconds() -> int:
    return int(settings.ACTIVATION_CODE_TTL)


def code_max_attempts() -> int:
    return int(settings.ACTIVATION_CODE_MAX_ATTEMPTS)


def code_max_sends() -> int:
    """How many codes one pending row may send (the first included)."""
    return int(settings.ACTIVATION_MAX_SENDS)


def code_resend_available_at(pending: _SentCode) -> dt.datetime:
    """When a new code may be asked (the cool-down after the last one)."""
    return resend_available_at(pending)


def code_sms_allowed(msisdn: str) -> bool:
    """Count one SMS code to `msisdn`; False when the phone is over its hourly limit (or empty)."""
    return _phone_allows_sms(msisdn)
