"""What a one-time-code page shows, shared by account activation and BPU self-registration: where the
code went (masked), the attempts left, when a new code may be asked, whether SMS is possible. The
templates are `accounts/includes/code_sent.html` and `accounts/includes/code_resend.html`."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.codes import code_max_attempts, code_max_sends, code_resend_available_at
from participants.contacts import mask_email, mask_phone
from portal.phones import normalize_msisdn

__all__ = ["RESEND_ERRORS", "PendingCode", "code_page_status", "mask_email", "mask_phone"]


class PendingCode(Protocol):
    """The fields both pending rows (PendingActivation, PendingBpuRegistration) have."""

    channel: str
    email: str
    phone: str
    attempts: int
    sends: int
    last_sent_at: dt.datetime | None
    created_at: dt.datetime
    expires_at: dt.datetime


# Answers to a refused "new code" request that read the same in every flow.
RESEND_ERRORS = {
    "cooldown": _("Tunggu sebentar sebelum meminta kode baru."),
    "rate_limited": _(
        "Terlalu banyak kode dikirim ke nomor ini. Coba lagi dalam satu jam atau gunakan email."
    ),
}


def code_page_status(pending: PendingCode | None, *, email: str | None = None) -> dict[str, object]:
    """The code page's context. `pending` comes from the visitor's own session only. `email` is where
    email codes go when that is not `pending.email` (activation: the email on record)."""
    if pending is None:
        return {}
    email = pending.email if email is None else email
    now = timezone.now()
    available_at = code_resend_available_at(pending)
    return {
        "channel": pending.channel,
        "destination": mask_phone(pending.phone) if pending.channel == "sms" else mask_email(email),
        "can_sms": bool(normalize_msisdn(pending.phone)),
        "can_email": bool(email),
        "attempts_left": max(0, code_max_attempts() - pending.attempts),
        "resend_at": available_at,
        "resend_wait": max(0, int((available_at - now).total_seconds())),
        "sends_left": max(0, code_max_sends() - pending.sends),
        "expires_at": pending.expires_at,
    }
