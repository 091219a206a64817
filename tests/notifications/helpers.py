"""Test helpers: stand in for (or wait for) the outbox worker."""

from __future__ import annotations

import re
import time

from django.core import mail

from notifications.models import Outbox, OutboxStatus
from notifications.services import outbox_deliver_queued

_CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)


def activation_code_from_mail(email: str, timeout: float = 20.0) -> str:
    """The newest activation code emailed to `email`. Delivers queued messages in this process (no
    worker) or waits for a running worker to have sent the code (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        outbox_deliver_queued()
        if Outbox.objects.filter(event="activation_code", recipient=email, status=OutboxStatus.SENT).exists():
            for message in reversed(mail.outbox):
                match = _CODE.search(message.body)
                if email in message.to and match:
                    return match.group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no activation code was sent to {email}")
        time.sleep(0.1)
