"""The activation code mechanism, for other flows that confirm an email address by a 6-digit code
(BPU self-registration in `contributions.registration`).

Nothing new here: the code format, its keyed hash (HMAC with SECRET_KEY and the pending row's id, so a
database dump alone cannot brute-force it offline), its lifetime (`ACTIVATION_CODE_TTL`), the wrong-code
limit (`ACTIVATION_CODE_MAX_ATTEMPTS`) and the mail helper are the ones `accounts.services` uses for
account activation. Callers keep their own pending row (id, code hash, attempts, expiry, used/voided).
"""

from __future__ import annotations

import hmac
import secrets
import uuid

from django.conf import settings

from accounts.services import _code_hash, _send


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


def code_email(*, template: str, email: str, context: dict[str, object]) -> None:
    """Send `templates/accounts/email/<template>_subject.txt` / `_message.txt`, as activation does."""
    _send(template=template, email=email, context=context)
