"""With a real Celery worker: settling a payment renders the receipt once and emails once, even when
the tasks are delivered again (as after a worker crash with acks_late)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from celery.signals import task_postrun
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
    finished: dict[str, Any] = {}  # task id -> what the task returned
    ran = threading.Condition()

    def on_postrun(task_id: str = "", retval: Any = None, **_: Any) -> None:  # the worker thread, per task
        with ran:
            finished[task_id] = retval
            ran.notify_all()

    task_postrun.connect(on_postrun, weak=False)
    try:
        render = tasks.render_receipt.delay(receipt.pk).id
        send = tasks.send_payment_receipt.delay(payment.pk).id
        with ran:
            assert ran.wait_for(lambda: {render, send} <= finished.keys(), timeout=60), "tasks did not run"
    finally:
        task_postrun.disconnect(on_postrun)
    assert (finished[render], finished[send]) == (False, False)  # nothing rendered or queued again
    assert Outbox.objects.filter(event="payment_received").count() == 1
    receipt.refresh_from_db()
    assert (receipt.pdf.name, receipt.rendered_at) == (first_name, rendered_at)
    assert receipt.pdf.open("rb").read(4) == b"%PDF"
    assert len([m for m in mail.outbox if receipt.number in m.subject]) == 1
