"""Billing and creating payments: prospective months, amounts, idempotent repeats, gateway failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404

from contributions.billing import BillingError, bill_preview
from contributions.gateway.fake import FakeGateway
from contributions.gateway.protocol import GatewayUnavailable
from contributions.models import FakeCharge, Payment, PaymentMonth
from contributions.models import PaymentStatus as S
from contributions.selectors import payment_get_for_user, payments_of_user
from contributions.services import (
    OpenPaymentExists,
    PaymentError,
    PaymentNotCreated,
    payment_cancel,
    payment_create,
)
from participants.models import Contribution
from tests.contributions.conftest import NOW
from tests.contributions.factories import bpu_participant
from tests.factories import ParticipantFactory


def test_bill_is_prospective_from_current_month(participant: Any, frozen: Any) -> None:
    bill = bill_preview(participant=participant, months=3)
    assert [m.period for m in bill.months] == [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    # income 1.000.000 with JHT: JKK 10.000 (minimum) + JKM 6.800 + JHT 20.000
    assert [(m.jkk_idr, m.jkm_idr, m.jht_idr) for m in bill.months] == [(10_000, 6_800, 20_000)] * 3
    assert bill.total_idr == 3 * 36_800


def test_bill_without_jht_and_skipping_paid_months(owner: Any, frozen: Any) -> None:
    participant = bpu_participant(user=owner, with_jht=False, income_idr=5_000_000)
    for period in (dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)):
        Contribution.objects.create(
            participant=participant,
            period=period,
            wage_idr=5_000_000,
            jkk_idr=50_000,
            jkm_idr=6_800,
            posted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    bill = bill_preview(participant=participant, months=1)
    # February is unpaid but past: never billed. March and April are paid: the bill starts in May.
    assert [m.period for m in bill.months] == [dt.date(2026, 5, 1)]
    assert bill.total_idr == 50_000 + 6_800


@pytest.mark.parametrize("months", [0, 2, 4, 13])
def test_only_1_3_6_12_months(participant: Any, months: int) -> None:
    with pytest.raises(BillingError):
        bill_preview(participant=participant, months=months)


def test_not_bpu_cannot_be_billed(owner: Any) -> None:
    participant = ParticipantFactory(user=owner)
    with pytest.raises(BillingError):
        bill_preview(participant=participant, months=1)


def test_create_opens_a_pending_charge(participant: Any, owner: Any, frozen: Any) -> None:
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    assert payment.status == S.PENDING
    assert payment.amount_idr == 110_400
    assert payment.va_number.startswith("8808")
    assert payment.order_id.startswith("IU-20260310-")
    assert len(payment.order_id) == 32
    assert payment.expires_at == NOW + dt.timedelta(hours=24)
    assert list(payment.month_rows.values_list("period", flat=True)) == [
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
    ]
    assert FakeCharge.objects.get(order_id=payment.order_id).gross_amount == "110400.00"
    assert [e.to_status for e in payment.events.all()] == [S.NEW, S.PENDING]


def test_double_click_returns_the_same_payment(participant: Any, owner: Any) -> None:
    first = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    second = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    assert first.pk == second.pk
    assert Payment.objects.count() == 1
    with pytest.raises(OpenPaymentExists):
        payment_create(user=owner, participant_public_id=participant.public_id, months=6, channel="qris")
    assert Payment.objects.count() == 1


def test_cancel_then_pay_other_months(participant: Any, owner: Any) -> None:
    first = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    cancelled = payment_cancel(user=owner, public_id=first.public_id)
    assert cancelled.status == S.CANCEL
    assert FakeCharge.objects.get(order_id=first.order_id).transaction_status == "cancel"
    assert not PaymentMonth.objects.filter(payment=first, active=True).exists()
    second = payment_create(user=owner, participant_public_id=participant.public_id, months=1, channel="qris")
    assert second.pk != first.pk
    assert second.qr_string
    assert payment_cancel(user=owner, public_id=first.public_id).status == S.CANCEL  # idempotent


@pytest.mark.parametrize(
    "channel",
    [
        "bca_va",
        "bni_va",
        "bri_va",
        "mandiri_bill",
        "permata_va",
        "qris",
        "gopay",
        "shopeepay",
        "indomaret",
        "alfamart",
    ],
)
def test_every_channel_gets_payment_instructions(participant: Any, owner: Any, channel: str) -> None:
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=1, channel=channel
    )
    assert payment.va_number or payment.qr_string or payment.payment_code or payment.deeplink_url


def test_gateway_down_creates_nothing_open_and_retry_is_safe(
    participant: Any, owner: Any, monkeypatch: Any
) -> None:
    def down(self: Any, request: Any) -> Any:
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(FakeGateway, "create_charge", down)
    with pytest.raises(PaymentNotCreated, match="Tidak ada tagihan yang dibuat"):
        payment_create(user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va")
    failed = Payment.objects.get()
    assert failed.status == S.FAILED
    assert not PaymentMonth.objects.filter(active=True).exists()
    monkeypatch.undo()
    retry = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    assert retry.status == S.PENDING
    assert retry.order_id != failed.order_id


def test_idor_other_participant(participant: Any, payment: Any, other_participant: Any) -> None:
    with pytest.raises(Http404):
        payment_create(
            user=other_participant, participant_public_id=participant.public_id, months=1, channel="qris"
        )
    with pytest.raises(Http404):
        payment_get_for_user(user=other_participant, public_id=payment.public_id)
    with pytest.raises(Http404):
        payment_cancel(user=other_participant, public_id=payment.public_id)
    with pytest.raises(Http404):
        payment_get_for_user(user=other_participant, public_id="not-a-uuid")
    assert list(payments_of_user(user=other_participant)) == []
    assert Payment.objects.get(pk=payment.pk).status == S.PENDING


def test_cancel_refused_after_settlement(participant: Any, owner: Any, payment: Any) -> None:
    Payment.objects.filter(pk=payment.pk).update(status=S.SETTLEMENT)
    with pytest.raises(PaymentError):
        payment_cancel(user=owner, public_id=payment.public_id)
