"""Reads for the accounts feature."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from participants.models import Participant, User
from participants.nik import nik_index, normalize_nik


def account_email_for_login(*, login: str) -> str:
    """The email of the account a login identifier (email, 16-digit NIK or 11-digit KPJ) points to.

    Always returns an email-shaped string so the caller runs exactly one authentication (with its
    password hash) whether or not an account exists: an unknown NIK or KPJ maps to a stable
    placeholder under the reserved `.invalid` domain that can never match a user. The placeholder is
    an HMAC of the input, so the NIK itself never reaches the login throttle's counters.
    """
    value = login.strip()
    if "@" in value:
        return value.lower()
    digits = normalize_nik(value)
    user_id: int | None = None
    if len(digits) == 16 and digits.isdigit():
        user_id = (
            Participant.objects.filter(nik_index=nik_index(digits), user__isnull=False)
            .values_list("user_id", flat=True)
            .first()
        )
    elif len(digits) == 11 and digits.isdigit():
        user_id = Participant.objects.filter(kpj=digits).values_list("user_id", flat=True).first()
    if user_id is not None:
        email = User.objects.filter(pk=user_id, is_active=True).values_list("email", flat=True).first()
        if email:
            return email
    tag = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:24]
    return f"unknown-{tag}@login.invalid"
