"""Scheduled work: expiry, reconciliation, nonaktif after 3 unpaid months, reminders, receipt email."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail

from contributions import tasks
from contributions.models import Payment, Receipt
from contributions.models import PaymentStatus as S
from contributions.services import last_due_period, membership_deactivate_unpaid
from participants.models import Contribution, MembershipStatus, Participant, StatusReason
from tests.contributions.factories import bpu_participant, gateway_says


def test_expiry_checks_gateway_first(payment: Payment) -> None:
    gateway_says(payment, "settlement")  # paid, but the notification never came
    with time_machine.travel(payment.expires_at + dt.timedelta(minutes=5)):
        tasks.sync_payment(payment.pk, expire_if_overdue=True)
    assert Payment.objects.get(pk=payment.pk).status == S.SETTLEMENT
    assert Contribution.objects.filter(participant_id=payment.participant_id).count() == 3


def test_overdue_unpaid_payment_expires(payment: Payment) -> None:
    tasks.sync_payment(payment.pk, expire_if_overdue=True)  # not overdue yet
    assert Payment.objects.get(pk=payment.pk).status == S.PENDING
    with time_machine.travel(payment.expires_at + dt.timedelta(minutes=5)):
        tasks.sync_payment(payment.pk, expire_if_overdue=True)
        tasks.sync_payment(payment.pk, expire_if_overdue=True)  # twice: no effect
    p = Payment.objects.get(pk=payment.pk)
    assert p.status == S.EXPIRE
    assert p.events.filter(to_status=S.EXPIRE).count() == 1


def test_reconcile_catches_late_money(payment: Payment) -> None:
    with time_machine.travel(payment.expires_at + dt.timedelta(minutes=5)):
        tasks.sync_payment(payment.pk, expire_if_overdue=True)
    gateway_says(payment, "settlement")
    tasks.sync_payment(payment.pk)
    p = Payment.objects.get(pk=payment.pk)
    assert (p.status, p.needs_review) == (S.SETTLEMENT, True)


def test_fan_out_tasks_enqueue(payment: Payment, monkeypatch: Any) -> None:
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.sync_payment, "delay", lambda *a, **k: sent.append((a, k)))
    assert tasks.reconcile_payments() == 1
    with time_machine.travel(payment.expires_at + dt.timedelta(minutes=5)):
        assert tasks.expire_overdue_payments() == 1
    assert sent == [((payment.pk,), {}), ((payment.pk,), {"expire_if_overdue": True})]


@pytest.mark.parametrize(
    ("today", "expected"),
    [(dt.date(2026, 3, 15), dt.date(2026, 2, 1)), (dt.date(2026, 3, 16), dt.date(2026, 3, 1))],
)
def test_last_due_period(today: dt.date, expected: dt.date) -> None:
    assert last_due_period(today) == expected


def test_nonaktif_after_three_unpaid_months(db: None) -> None:
    paid_to_dec = bpu_participant(registered_on=dt.date(2025, 1, 1), protected_until=dt.date(2025, 12, 31))
    paid_to_jan = bpu_participant(registered_on=dt.date(2025, 1, 1), protected_until=dt.date(2026, 1, 31))
    never_paid_new = bpu_participant(registered_on=dt.date(2026, 2, 1))
    # On 16 March the due dates of January, February and March have passed.
    assert membership_deactivate_unpaid(today=dt.date(2026, 3, 15)) == 0
    assert membership_deactivate_unpaid(today=dt.date(2026, 3, 16)) == 1
    assert membership_deactivate_unpaid(today=dt.date(2026, 3, 16)) == 0  # idempotent
    p = Participant.objects.get(pk=paid_to_dec.pk)
    assert (p.status, p.status_reason, p.status_since) == (
        MembershipStatus.NONAKTIF,
        StatusReason.UNPAID_3_MONTHS,
        dt.date(2026, 3, 16),
    )
    assert Participant.objects.get(pk=paid_to_jan.pk).status == MembershipStatus.AKTIF
    assert Participant.objects.get(pk=never_paid_new.pk).status == MembershipStatus.AKTIF


def test_due_reminders_once_per_month(db: None) -> None:
    from notifications.models import Outbox
    from notifications.services import outbox_deliver_queued

    unpaid = bpu_participant(protected_until=dt.date(2026, 2, 28))
    bpu_participant(protected_until=dt.date(2026, 3, 31))  # March already paid
    with time_machine.travel(dt.datetime(2026, 3, 12, 1, 0, tzinfo=dt.UTC)):
        assert tasks.send_due_reminders() == 1
        assert tasks.send_due_reminders() == 1  # redelivered before sending: the same row, re-enqueued
        assert outbox_deliver_queued() == 1
        assert tasks.send_due_reminders() == 0  # after sending: nothing
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [unpaid.email]
    assert "15 Maret 2026" in mail.outbox[0].body
    assert Outbox.objects.get().event == "due_reminder"


def test_receipt_email_sent_once(payment: Payment) -> None:
    from django.test import Client

    from notifications.services import outbox_deliver_queued
    from tests.contributions.conftest import post_notification
    from tests.contributions.factories import notification

    gateway_says(payment, "settlement")
    post_notification(Client(), notification(payment, "settlement"))
    assert tasks.send_payment_receipt(payment.pk) is True
    assert tasks.send_payment_receipt(payment.pk) is True  # still queued: returned for enqueueing
    assert outbox_deliver_queued() == 1
    assert tasks.send_payment_receipt(payment.pk) is False  # sent: nothing to queue
    assert outbox_deliver_queued() == 0
    assert len(mail.outbox) == 1
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.number in mail.outbox[0].subject
    assert "Rp110.400" in mail.outbox[0].body
    assert f"/payments/{payment.public_id}/bukti/" in mail.outbox[0].body
