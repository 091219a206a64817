"""The notification endpoint: crediting, duplicates, reorder, forgery, wrong amount, unknown order."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from contributions.gateway.fake import FakeGateway
from contributions.gateway.protocol import GatewayUnavailable
from contributions.models import GatewayNotification, Payment, PaymentMonth, Receipt
from contributions.models import PaymentStatus as S
from contributions.services import payment_create
from participants.ledger.models import JhtBalance, LedgerEntry
from participants.models import Contribution, MembershipStatus, Participant, StatusReason
from tests.contributions.conftest import post_notification
from tests.contributions.factories import gateway_says, notification


@pytest.fixture
def client() -> Client:
    return Client()


def _settle(client: Client, payment: Payment) -> Any:
    gateway_says(payment, "settlement")
    return post_notification(client, notification(payment, "settlement"))


def _state(payment: Payment) -> tuple[Any, ...]:
    p = Payment.objects.get(pk=payment.pk)
    return (
        p.status,
        p.needs_review,
        Contribution.objects.filter(participant_id=p.participant_id).count(),
        LedgerEntry.objects.filter(account_id=p.participant_id).count(),
        Receipt.objects.filter(payment=p).count(),
    )


def test_settlement_credits_everything(frozen: Any, client: Client, payment: Payment) -> None:
    Participant.objects.filter(pk=payment.participant_id).update(
        status=MembershipStatus.NONAKTIF, status_reason=StatusReason.UNPAID_3_MONTHS
    )
    response = _settle(client, payment)
    assert response.status_code == 200
    assert response.json() == {"status": "applied"}
    payment.refresh_from_db()
    assert payment.status == S.SETTLEMENT
    assert payment.paid_at is not None
    assert not payment.needs_review
    rows = Contribution.objects.filter(participant_id=payment.participant_id).order_by("period")
    assert [(c.period, c.jkk_idr, c.jkm_idr, c.jht_worker_idr, c.employer_id) for c in rows] == [
        (dt.date(2026, m, 1), 10_000, 6_800, 20_000, None) for m in (3, 4, 5)
    ]
    assert JhtBalance.objects.get(account_id=payment.participant_id).balance_idr == 60_000
    participant = Participant.objects.get(pk=payment.participant_id)
    assert participant.protected_until == dt.date(2026, 5, 31)
    assert (participant.status, participant.status_reason) == (
        MembershipStatus.AKTIF,
        StatusReason.PAID_AGAIN,
    )
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.snapshot["total_idr"] == 110_400
    assert receipt.snapshot["kpj"] == participant.kpj
    assert receipt.snapshot["programmes"] == ["JKK", "JKM", "JHT"]
    assert receipt.snapshot["paid_at"] == "10-03-2026 10:00 WIB"
    assert receipt.number == f"BPU/2026/03/{payment.pk:08d}"
    assert GatewayNotification.objects.get().outcome == "applied"


def test_duplicate_is_answered_200_and_changes_nothing(client: Client, payment: Payment) -> None:
    assert _settle(client, payment).status_code == 200
    before = _state(payment)
    for _ in range(3):
        response = post_notification(client, notification(payment, "settlement"))
        assert response.status_code == 200
        assert response.json() == {"status": "duplicate"}
    assert _state(payment) == before
    assert GatewayNotification.objects.count() == 1


def test_out_of_order_notifications_do_not_undo_settlement(client: Client, payment: Payment) -> None:
    assert _settle(client, payment).status_code == 200
    before = _state(payment)
    assert post_notification(client, notification(payment, "pending")).status_code == 200
    assert post_notification(client, notification(payment, "expire")).status_code == 200
    assert _state(payment) == before
    assert Payment.objects.get(pk=payment.pk).status == S.SETTLEMENT


def test_expire_arriving_before_settlement_is_rechecked(client: Client, payment: Payment) -> None:
    # The gateway already knows the money arrived: its status wins over the stale "expire".
    gateway_says(payment, "settlement")
    response = post_notification(client, notification(payment, "expire"))
    assert response.status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == S.SETTLEMENT


def test_settlement_not_confirmed_by_gateway_is_not_credited(client: Client, payment: Payment) -> None:
    # Correctly signed but the gateway still says pending (e.g. a replayed or premature notification).
    response = post_notification(client, notification(payment, "settlement"))
    assert response.status_code == 200
    assert _state(payment)[0] == S.PENDING
    assert _state(payment)[2:] == (0, 0, 0)


def test_forged_signature_401(client: Client, payment: Payment) -> None:
    payload = json.loads(notification(payment, "settlement"))
    payload["signature_key"] = "0" * 128
    gateway_says(payment, "settlement")
    before = _state(payment)
    response = post_notification(client, json.dumps(payload).encode())
    assert response.status_code == 401
    assert _state(payment) == before
    assert GatewayNotification.objects.count() == 0


def test_wrong_amount_400_and_flagged(client: Client, payment: Payment) -> None:
    gateway_says(payment, "settlement")
    response = post_notification(client, notification(payment, "settlement", gross_amount="1000.00"))
    assert response.status_code == 400
    p = Payment.objects.get(pk=payment.pk)
    assert (p.status, p.needs_review) == (S.PENDING, True)
    assert _state(payment)[2:] == (0, 0, 0)
    assert GatewayNotification.objects.get().outcome == "amount_mismatch"


def test_unknown_order_404_and_flagged(client: Client, payment: Payment) -> None:
    gateway = FakeGateway.from_settings()
    from contributions.models import FakeCharge

    charge = FakeCharge(
        order_id="IU-20260101-ffffffffffffffffffff",
        transaction_id="x",
        payment_type="qris",
        gross_amount="36800.00",
    )
    body = json.dumps(gateway.notification_for(charge, "settlement")).encode()
    response = post_notification(client, body)
    assert response.status_code == 404
    note = GatewayNotification.objects.get()
    assert (note.outcome, note.needs_review, note.payment_id) == ("unknown_order", True, None)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"order_id": 1}',
        json.dumps({"order_id": "x", "padding": "a" * 20_000}).encode(),
    ],
)
def test_malformed_or_oversized_400(client: Client, payment: Payment, body: bytes) -> None:
    before = _state(payment)
    assert post_notification(client, body).status_code == 400
    assert _state(payment) == before


def test_get_is_refused(client: Client) -> None:
    assert client.get("/payments/midtrans/notification/").status_code == 405


def test_gateway_down_on_recheck_answers_503_and_records_nothing(
    client: Client, payment: Payment, monkeypatch: Any
) -> None:
    def down(self: Any, order_id: str) -> Any:
        raise GatewayUnavailable("down")

    monkeypatch.setattr(FakeGateway, "get_status", down)
    gateway_says(payment, "settlement")
    assert post_notification(client, notification(payment, "settlement")).status_code == 503
    assert GatewayNotification.objects.count() == 0
    monkeypatch.undo()
    assert post_notification(client, notification(payment, "settlement")).status_code == 200  # the retry
    assert Payment.objects.get(pk=payment.pk).status == S.SETTLEMENT


def test_money_after_expiry_is_credited_and_flagged(client: Client, payment: Payment) -> None:
    gateway_says(payment, "expire")
    assert post_notification(client, notification(payment, "expire")).status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == S.EXPIRE
    assert not PaymentMonth.objects.filter(payment=payment, active=True).exists()
    assert _settle(client, payment).status_code == 200
    p = Payment.objects.get(pk=payment.pk)
    assert (p.status, p.needs_review) == (S.SETTLEMENT, True)
    assert Contribution.objects.filter(participant_id=p.participant_id).count() == 3


def test_late_money_after_months_were_paid_again_moves_to_next_months(
    frozen: Any, client: Client, payment: Payment, owner: Any
) -> None:
    gateway_says(payment, "expire")
    post_notification(client, notification(payment, "expire"))
    participant = Participant.objects.get(pk=payment.participant_id)
    second = payment_create(user=owner, participant_public_id=participant.public_id, months=3, channel="qris")
    assert _settle(client, second).status_code == 200
    assert _settle(client, payment).status_code == 200  # the first payer's money arrives after all
    periods = sorted(Contribution.objects.filter(participant=participant).values_list("period", flat=True))
    assert periods == [dt.date(2026, m, 1) for m in range(3, 9)]
    p = Payment.objects.get(pk=payment.pk)
    assert p.needs_review
    assert p.first_period == dt.date(2026, 6, 1)
    assert Participant.objects.get(pk=participant.pk).protected_until == dt.date(2026, 8, 31)


def test_mandiri_bill_settlement_may_flip_to_deny_and_is_flagged(
    client: Client, owner: Any, participant: Any
) -> None:
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=1, channel="mandiri_bill"
    )
    assert _settle(client, payment).status_code == 200
    gateway_says(payment, "deny")
    assert post_notification(client, notification(payment, "deny")).status_code == 200
    p = Payment.objects.get(pk=payment.pk)
    assert (p.status, p.needs_review) == (S.DENY, True)


def test_va_settlement_cannot_flip_to_deny(client: Client, payment: Payment) -> None:
    assert _settle(client, payment).status_code == 200
    gateway_says(payment, "deny")
    assert post_notification(client, notification(payment, "deny")).status_code == 200
    assert GatewayNotification.objects.latest("pk").outcome == "refused"
    assert Payment.objects.get(pk=payment.pk).status == S.SETTLEMENT


def test_repeats_of_refused_notifications_keep_their_status(client: Client, payment: Payment) -> None:
    body = notification(payment, "settlement", gross_amount="1000.00")
    assert post_notification(client, body).status_code == 400
    assert post_notification(client, body).status_code == 400
    assert GatewayNotification.objects.count() == 1
    assert Payment.objects.get(pk=payment.pk).review_reason.count("berbeda") == 1


def _crediting_queries(client: Client, owner: Any, months: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.contributions.factories import bpu_participant

    participant = bpu_participant(user=owner)
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=months, channel="bca_va"
    )
    gateway_says(payment, "settlement")
    with CaptureQueriesContext(connection) as queries:
        assert post_notification(client, notification(payment, "settlement")).status_code == 200
    assert Contribution.objects.filter(participant=participant).count() == months
    return len(queries)


def test_crediting_costs_the_same_queries_for_1_or_12_months(client: Client, owner: Any) -> None:
    # One INSERT for the months' ledger entries and one balance update, whatever the number of months.
    one = _crediting_queries(client, owner, 1)
    twelve = _crediting_queries(client, owner, 12)
    assert twelve == one
    assert one <= 32, one  # 28 when written; 31 with the payment history row and the outbox notice
