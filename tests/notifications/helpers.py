"""Test helpers: stand in for (or wait for) the outbox worker."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail

from notifications.models import Outbox, OutboxStatus
from notifications.services import outbox_deliver_queued

_CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)


def activation_code_from_mail(email: str, timeout: float = 20.0, *, event: str = "activation_code") -> str:
    """The newest one-time code (`event`: activation or BPU registration) emailed to `email`. Delivers
    queued messages in this process (no worker) or waits for a running worker to have sent it (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        outbox_deliver_queued()
        if Outbox.objects.filter(event=event, recipient=email, status=OutboxStatus.SENT).exists():
            for message in reversed(mail.outbox):
                match = _CODE.search(message.body)
                if email in message.to and match:
                    return match.group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no activation code was sent to {email}")
        time.sleep(0.1)


def deliver_when_enqueued(monkeypatch: pytest.MonkeyPatch, *event_prefixes: str) -> None:
    """Stand in for the outbox worker in a test: `send_outbox` runs as soon as it is enqueued (instead
    of after commit, which a test transaction never reaches) for messages whose event starts with one
    of `event_prefixes`; other messages stay queued."""
    from notifications import tasks
    from notifications.services import outbox_deliver

    def run(outbox_id: int) -> None:
        event = Outbox.objects.filter(pk=outbox_id).values_list("event", flat=True).first() or ""
        if event.startswith(event_prefixes):
            outbox_deliver(outbox_id=outbox_id)

    monkeypatch.setattr(tasks.send_outbox, "delay_on_commit", run)
