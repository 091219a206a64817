"""Cancelling asks the gateway first: a payment already paid there is credited, never cancelled; a
cancel the gateway refuses is no success; an early signed settlement does not swallow the genuine one."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import httpx
import pytest
import respx
from django.conf import settings
from django.test import Client
from django.urls import reverse

from contributions.gateway.fake import FakeGateway
from contributions.gateway.midtrans import MidtransGateway
from contributions.gateway.protocol import GatewayError, GatewayUnavailable
from contributions.models import FakeCharge, GatewayNotification, Payment, PaymentMonth, Receipt
from contributions.models import PaymentStatus as S
from contributions.services import PaymentAlreadyPaid, PaymentError, payment_cancel, payment_create
from participants.ledger.models import LedgerEntry
from participants.models import Contribution
from tests.concurrency import race
from tests.contributions.conftest import post_notification
from tests.contributions.factories import bpu_participant, gateway_says, notification

MIDTRANS = "https://api.sandbox.midtrans.com"


def _credits(payment: Payment) -> tuple[Any, ...]:
    p = Payment.objects.get(pk=payment.pk)
    return (
        p.status,
        Contribution.objects.filter(participant_id=p.participant_id).count(),
        LedgerEntry.objects.filter(account_id=p.participant_id).count(),
        Receipt.objects.filter(payment=p).count(),
        p.events.filter(to_status=S.SETTLEMENT).count(),
    )


# --- Cancel of a payment the gateway already settled --------------------------------------------------


@pytest.mark.usefixtures("frozen")
def test_cancel_of_a_payment_paid_at_the_gateway_credits_it(
    client: Client, owner: Any, participant: Any, payment: Payment
) -> None:
    gateway_says(payment, "settlement")  # paid at the bank; the notification has not arrived yet
    with pytest.raises(match="sudah lunas"):
        payment_cancel(user=owner, public_id=payment.public_id)
    assert _credits(payment) == (S.SETTLEMENT, 3, 3, 1, 1)
    assert FakeCharge.objects.get(order_id=payment.order_id).transaction_status == "settlement"
    # The months stay held by the paid payment: the next payment bills the months after them.
    assert list(
        PaymentMonth.objects.filter(active=True).values_list("payment_id", "period").order_by("period")
    ) == [(payment.pk, dt.date(2026, m, 1)) for m in (3, 4, 5)]
    following = payment_create(
        user=owner, participant_public_id=participant.public_id, months=1, channel="qris"
    )
    assert following.first_period == dt.date(2026, 6, 1)
    # The notification then arriving changes nothing more.
    assert post_notification(client, notification(payment, "settlement")).status_code == 200
    assert _credits(payment) == (S.SETTLEMENT, 3, 3, 1, 1)


@pytest.mark.usefixtures("frozen")
def test_cancel_page_says_paid_not_cancelled(owner_client: Client, payment: Payment) -> None:
    gateway_says(payment, "settlement")
    response = owner_client.post(
        reverse("contributions:payment_cancel", kwargs={"public_id": payment.public_id})
    )
    assert response.status_code == 302
    page = owner_client.get(response["Location"]).content.decode()
    assert "Pembayaran ini sudah lunas sehingga tidak dapat dibatalkan." in page
    assert "Tidak ada tagihan yang perlu dibayar" not in page
    assert _credits(payment) == (S.SETTLEMENT, 3, 3, 1, 1)


class _PaidWhileCancelling(FakeGateway):
    """The payer pays between our status check and our cancel call; the gateway refuses the cancel."""

    def cancel(self, order_id: str) -> None:
        assert self.pay(order_id)
        super().cancel(order_id)


@pytest.mark.usefixtures("frozen")
def test_cancel_refused_by_the_gateway_applies_its_status(owner: Any, payment: Payment) -> None:
    gateway = _PaidWhileCancelling.from_settings()
    with pytest.raises(PaymentAlreadyPaid):
        payment_cancel(user=owner, public_id=payment.public_id, gateway=gateway)
    assert _credits(payment) == (S.SETTLEMENT, 3, 3, 1, 1)


def test_fake_gateway_refuses_to_cancel_a_settled_charge(payment: Payment) -> None:
    gateway_says(payment, "settlement")
    with pytest.raises(GatewayError, match="412"):
        FakeGateway.from_settings().cancel(payment.order_id)
    assert FakeCharge.objects.get(order_id=payment.order_id).transaction_status == "settlement"
    FakeGateway.from_settings().cancel("IU-unknown")  # nothing there: nothing to refuse


def test_cancel_with_the_gateway_down_changes_nothing(owner: Any, payment: Payment, monkeypatch: Any) -> None:
    def down(self: Any, order_id: str) -> Any:
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(FakeGateway, "get_status", down)
    with pytest.raises(PaymentError, match="belum dapat diproses"):
        payment_cancel(user=owner, public_id=payment.public_id)
    assert Payment.objects.get(pk=payment.pk).status == S.PENDING
    assert FakeCharge.objects.get(order_id=payment.order_id).transaction_status == "pending"


def test_a_charge_cancelled_at_the_gateway_earlier_is_cancelled_here_without_a_second_call(
    owner: Any, payment: Payment
) -> None:
    gateway_says(payment, "cancel")  # e.g. an earlier attempt cancelled there, then the request died
    assert payment_cancel(user=owner, public_id=payment.public_id).status == S.CANCEL
    assert not PaymentMonth.objects.filter(payment=payment, active=True).exists()


# --- The Midtrans client: 412 on cancel is a refusal -------------------------------------------------


def _midtrans() -> MidtransGateway:
    return MidtransGateway(server_key="SB-Mid-server-abc", base_url=MIDTRANS, timeout=2)


@respx.mock
def test_midtrans_cancel_412_is_an_error() -> None:
    respx.post(f"{MIDTRANS}/v2/IU-1/cancel").respond(
        200,  # Midtrans often answers HTTP 200 with the real code in the body
        json={"status_code": "412", "status_message": "Merchant cannot modify the status of the transaction"},
    )
    with pytest.raises(GatewayError, match="412"):
        _midtrans().cancel("IU-1")


@respx.mock
def test_midtrans_cancel_http_412_is_an_error() -> None:
    respx.post(f"{MIDTRANS}/v2/IU-1/cancel").mock(
        return_value=httpx.Response(412, json={"status_code": "412", "status_message": "cannot modify"})
    )
    with pytest.raises(GatewayError, match="412"):
        _midtrans().cancel("IU-1")


@respx.mock
@pytest.mark.parametrize("code", ["200", "404"])
def test_midtrans_cancel_done_or_never_created_is_fine(code: str) -> None:
    route = respx.post(f"{MIDTRANS}/v2/IU-1/cancel").respond(200, json={"status_code": code})
    _midtrans().cancel("IU-1")  # no exception: done, or nothing there that could be paid
    assert route.call_count == 1


@respx.mock
@pytest.mark.usefixtures("frozen")
def test_cancel_through_midtrans_when_paid_meanwhile_credits(owner: Any, payment: Payment) -> None:
    amount = f"{payment.amount_idr}.00"
    respx.get(f"{MIDTRANS}/v2/{payment.order_id}/status").mock(
        side_effect=[
            httpx.Response(
                200, json={"status_code": "201", "transaction_status": "pending", "gross_amount": amount}
            ),
            httpx.Response(
                200, json={"status_code": "200", "transaction_status": "settlement", "gross_amount": amount}
            ),
        ]
    )
    respx.post(f"{MIDTRANS}/v2/{payment.order_id}/cancel").respond(
        200,
        json={"status_code": "412", "status_message": "Merchant cannot modify the status of the transaction"},
    )
    with pytest.raises(PaymentAlreadyPaid):
        payment_cancel(user=owner, public_id=payment.public_id, gateway=_midtrans())
    assert _credits(payment) == (S.SETTLEMENT, 3, 3, 1, 1)


# --- An early signed settlement, then the genuine one ---------------------------------------------------


@pytest.mark.usefixtures("frozen")
def test_genuine_settlement_after_an_early_one_is_credited_at_once(client: Client, payment: Payment) -> None:
    early = post_notification(client, notification(payment, "settlement"))  # gateway still says pending
    assert (early.status_code, early.json()) == (200, {"status": "ignored"})
    assert _credits(payment) == (S.PENDING, 0, 0, 0, 0)
    gateway_says(payment, "settlement")
    genuine = post_notification(client, notification(payment, "settlement"))  # the very same fields
    assert (genuine.status_code, genuine.json()) == (200, {"status": "applied"})
    assert _credits(payment) == (S.SETTLEMENT, 3, 3, 1, 1)
    again = post_notification(client, notification(payment, "settlement"))
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    assert list(GatewayNotification.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "ignored",
        "applied",
    ]
    assert _credits(payment) == (S.SETTLEMENT, 3, 3, 1, 1)


def test_early_settlement_repeated_while_still_pending_is_stored_once(
    client: Client, payment: Payment
) -> None:
    for _ in range(3):
        assert post_notification(client, notification(payment, "settlement")).status_code == 200
    assert GatewayNotification.objects.count() == 1
    assert _credits(payment) == (S.PENDING, 0, 0, 0, 0)


# --- Cancel racing the payer and the settlement notification ------------------------------------------

ROUNDS = 10


class _Signalling(FakeGateway):
    """Tells the payer's thread when the cancel has read the status, so half of the rounds race the
    payer against the cancel call itself rather than against the status check."""

    def __init__(self, *, server_key: str) -> None:
        super().__init__(server_key=server_key)
        self.status_read = threading.Event()

    def get_status(self, order_id: str) -> Any:
        status = super().get_status(order_id)
        self.status_read.set()
        return status


@pytest.mark.usefixtures("rates")
def test_cancel_racing_a_payment_either_cancels_or_credits_never_both() -> None:
    outcomes = []
    for round_no in range(ROUNDS):
        participant = bpu_participant()
        user = participant.user
        payment = payment_create(
            user=user, participant_public_id=participant.public_id, months=3, channel="bca_va"
        )
        gateway = _Signalling(server_key=settings.MIDTRANS_SERVER_KEY)
        after_status_read = round_no % 2 == 1

        def cancel(payment: Payment = payment, user: Any = user, gateway: FakeGateway = gateway) -> str:
            try:
                return payment_cancel(user=user, public_id=payment.public_id, gateway=gateway).status
            except PaymentAlreadyPaid:
                return "already_paid"

        def pay_and_notify(
            payment: Payment = payment, gateway: _Signalling = gateway, wait: bool = after_status_read
        ) -> int | None:
            if wait:
                assert gateway.status_read.wait(timeout=30)
            if not FakeGateway.from_settings().pay(payment.order_id):
                return None  # the VA was cancelled first: the bank takes no money
            return post_notification(Client(), notification(payment, "settlement")).status_code

        cancelled, notified = race(cancel, pay_and_notify)
        state = _credits(payment)
        charge = FakeCharge.objects.get(order_id=payment.order_id).transaction_status
        if charge == "cancel":
            assert (cancelled, notified, state) == (S.CANCEL, None, (S.CANCEL, 0, 0, 0, 0)), round_no
        else:
            assert charge == "settlement", round_no
            assert cancelled == "already_paid", round_no
            assert notified == 200, round_no
            assert state == (S.SETTLEMENT, 3, 3, 1, 1), round_no
        outcomes.append(charge)
    assert set(outcomes) <= {"cancel", "settlement"}
