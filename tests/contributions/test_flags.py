"""Where flags for staff come from: each case the notification endpoint and the services flag becomes a
`PaymentFlag` of the right kind (and a duplicate delivery does not flag twice)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from contributions.gateway.fake import FakeGateway
from contributions.models import FakeCharge, FlagKind, GatewayNotification, Payment, PaymentFlag
from contributions.services import payment_create
from tests.contributions.conftest import post_notification
from tests.contributions.factories import gateway_says, notification


@pytest.fixture
def client() -> Client:
    return Client()


def kinds(payment: Payment) -> list[str]:
    return list(PaymentFlag.objects.filter(payment=payment).order_by("pk").values_list("kind", flat=True))


def test_wrong_amount_is_flagged_once(client: Client, payment: Payment) -> None:
    gateway_says(payment, "settlement")
    body = notification(payment, "settlement", gross_amount="1000.00")
    assert post_notification(client, body).status_code == 400
    assert post_notification(client, body).status_code == 400  # the gateway retries
    assert kinds(payment) == [FlagKind.AMOUNT_MISMATCH]
    assert PaymentFlag.objects.get().resolved_at is None


def test_unknown_order_money_is_flagged_without_a_payment(client: Client, payment: Payment) -> None:
    charge = FakeCharge(
        order_id="IU-20260101-eeeeeeeeeeeeeeeeeeee",
        transaction_id="x",
        payment_type="qris",
        gross_amount="36800.00",
    )
    body = json.dumps(FakeGateway.from_settings().notification_for(charge, "settlement")).encode()
    assert post_notification(client, body).status_code == 404
    assert post_notification(client, body).status_code == 404
    flag = PaymentFlag.objects.get()
    assert (flag.kind, flag.payment_id, flag.notification_id) == (
        FlagKind.UNKNOWN_ORDER,
        None,
        GatewayNotification.objects.get().pk,
    )


def test_unknown_order_without_money_is_not_flagged(client: Client, payment: Payment) -> None:
    charge = FakeCharge(
        order_id="IU-20260101-dddddddddddddddddddd",
        transaction_id="x",
        payment_type="qris",
        gross_amount="36800.00",
    )
    body = json.dumps(FakeGateway.from_settings().notification_for(charge, "expire")).encode()
    assert post_notification(client, body).status_code == 404
    assert not PaymentFlag.objects.exists()


def test_late_money_is_flagged(client: Client, payment: Payment) -> None:
    gateway_says(payment, "expire")
    post_notification(client, notification(payment, "expire"))
    gateway_says(payment, "settlement")
    assert post_notification(client, notification(payment, "settlement")).status_code == 200
    assert kinds(payment) == [FlagKind.LATE_MONEY]


def test_reversed_settlement_is_flagged(client: Client, owner: Any, participant: Any) -> None:
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=1, channel="mandiri_bill"
    )
    gateway_says(payment, "settlement")
    post_notification(client, notification(payment, "settlement"))
    gateway_says(payment, "deny")
    assert post_notification(client, notification(payment, "deny")).status_code == 200
    assert kinds(payment) == [FlagKind.REVERSED]


def test_notification_the_gateway_contradicts_is_flagged(client: Client, payment: Payment) -> None:
    # The notification says settlement but the gateway does not know the order (a forged-looking
    # but correctly signed message, or a gateway-side mix-up): nothing moves, staff look at it.
    FakeCharge.objects.filter(order_id=payment.order_id).delete()
    charge = FakeCharge(
        order_id=payment.order_id, transaction_id="x", payment_type="bank_transfer", gross_amount="36800.00"
    )
    body = json.dumps(
        FakeGateway.from_settings().notification_for(
            charge, "settlement", gross_amount=f"{payment.amount_idr}.00"
        )
    ).encode()
    assert post_notification(client, body).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.needs_review) == ("pending", True)
    flag = PaymentFlag.objects.get(payment=payment)
    assert (flag.kind, flag.notification_id) == (
        FlagKind.STATUS_MISMATCH,
        GatewayNotification.objects.get().pk,
    )


def test_backfill_flags_payments_marked_before_flags_existed(payment: Payment) -> None:
    import importlib

    from django.apps import apps

    Payment.objects.filter(pk=payment.pk).update(needs_review=True, review_reason="Dulu ditandai.")
    importlib.import_module("contributions.migrations.0004_backfill_payment_flags").backfill(apps, None)
    flag = PaymentFlag.objects.get()
    assert (flag.payment_id, flag.kind, flag.detail) == (payment.pk, FlagKind.OTHER, "Dulu ditandai.")
