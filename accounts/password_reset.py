"""Password reset codes, with the same request work for known and unknown addresses.

allauth's reset-by-code flow calls the adapter's `send_mail` with the code when the address has an
account, and (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS) with its "unknown account" mail when it has none. Both
become the same thing inside the request: one `PasswordResetMail` row and one task after commit. The
worker (`accounts.tasks.send_password_reset_mail`) looks the address up and, for an active account
only, queues the code in the notification outbox; nothing is ever mailed to an unknown address. No
SMTP inside the request, and no difference a stopwatch could see between the two answers beyond
noise. Rows missed by the broker are swept (`sweep_password_reset_mail`); done rows are deleted after
a day.
"""

from __future__ import annotations

import datetime as dt
import uuid

from allauth.account import app_settings as allauth_settings
from django.db import transaction
from django.utils import timezone

from accounts import notices
from accounts.models import PasswordResetMail
from participants.models import User

KEEP_DONE = dt.timedelta(days=1)
STALE_AFTER = dt.timedelta(minutes=5)


def password_reset_mail_queue(*, email: str, code: str, language: str) -> uuid.UUID:
    """Record a reset asked for `email` (`code` empty when allauth knows no account) and send it after
    commit. The same work whatever the address."""
    from accounts.tasks import send_password_reset_mail

    with transaction.atomic():
        row = PasswordResetMail.objects.create(email=email.strip().lower(), code=code, language=language)
        send_password_reset_mail.delay_on_commit(str(row.pk))
    return row.pk


def password_reset_mail_send(*, mail_id: uuid.UUID | str) -> bool:
    """Queue the code in the outbox if the row's address is an active account's. Idempotent: the row
    is locked and marked done, its code blanked; returns whether a code was queued."""
    with transaction.atomic():
        row = PasswordResetMail.objects.select_for_update().filter(pk=mail_id, done_at=None).first()
        if row is None:
            return False
        known = bool(row.code) and User.objects.filter(email__iexact=row.email, is_active=True).exists()
        if known:
            notices.password_reset_code(
                email=row.email,
                code=row.code,
                minutes=int(allauth_settings.PASSWORD_RESET_BY_CODE_TIMEOUT) // 60,
                language=row.language,
            )
        row.code = ""
        row.done_at = timezone.now()
        row.save(update_fields=["code", "done_at"])
    return known


def password_reset_mail_sweep() -> int:
    """Send rows still pending STALE_AFTER after they were made (a lost broker message); delete rows
    done more than KEEP_DONE ago. Returns how many were sent."""
    now = timezone.now()
    PasswordResetMail.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    stale = PasswordResetMail.objects.filter(done_at=None, created_at__lt=now - STALE_AFTER)
    return sum(password_reset_mail_send(mail_id=pk) for pk in stale.values_list("pk", flat=True)[:1000])
