"""With a real Celery worker: settling a payment renders the receipt once and emails once, even when
the tasks are delivered again (as after a worker crash with acks_late)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from contributions import tasks
from contributions.models import Receipt
from contributions.services import payment_create
from notifications.models import Outbox
from tests.contributions.conftest import post_notification
from tests.contributions.factories import bpu_participant, gateway_says, notification


def _wait(predicate: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.integration
@pytest.mark.usefixtures("rates")
def test_settlement_renders_and_emails_once(celery_worker: Any) -> None:
    participant = bpu_participant()
    payment = payment_create(
        user=participant.user, participant_public_id=participant.public_id, months=1, channel="indomaret"
    )
    gateway_says(payment, "settlement")
    assert post_notification(Client(), notification(payment, "settlement")).status_code == 200
    _wait(
        lambda: (
            Receipt.objects.filter(
                payment=payment, rendered_at__isnull=False, email_sent_at__isnull=False
            ).exists()
            and Outbox.objects.filter(event="payment_received", status="sent").exists()
        )
    )
    receipt = Receipt.objects.get(payment=payment)
    first_name, rendered_at = receipt.pdf.name, receipt.rendered_at
    # Redelivery (worker killed after doing the work, before acknowledging it): no second effect.
    tasks.render_receipt.delay(receipt.pk)
    tasks.send_payment_receipt.delay(payment.pk)
    time.sleep(3)  # the solo worker runs them in order; give it time to (not) act
    receipt.refresh_from_db()
    assert (receipt.pdf.name, receipt.rendered_at) == (first_name, rendered_at)
    assert receipt.pdf.open("rb").read(4) == b"%PDF"
    assert len([m for m in mail.outbox if receipt.number in m.subject]) == 1
