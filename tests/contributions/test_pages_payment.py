"""Payment page, its polled status fragment, cancelling, riwayat pembayaran: personas and query budgets."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from contributions.models import Payment
from contributions.models import PaymentStatus as S
from contributions.services import payment_create
from tests.contributions.conftest import post_notification
from tests.contributions.factories import gateway_says, notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
QUERY_BUDGET = 6


def url(name: str, public_id: Any) -> str:
    return reverse(f"contributions:{name}", kwargs={"public_id": public_id})


def settle(payment: Payment) -> None:
    gateway_says(payment, "settlement")
    assert post_notification(Client(), notification(payment, "settlement")).status_code == 200


def test_open_va_payment_shows_number_countdown_poll_and_cancel(
    owner_client: Client, payment: Payment
) -> None:
    response = owner_client.get(url("payment", payment.public_id))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="pay-code" aria-labelledby="pay-code-label pay-code">{payment.va_number}</p>' in body
    assert 'data-copy="pay-code"' in body  # the copy button (shown by copy.js; the code is text without it)
    assert "Rp110.400" in body
    assert "Bayar sebelum Rabu, 11 Maret 2026, 10.00 WIB — 24 jam 0 menit lagi" in body
    assert '<span class="badge ds-badge ds-badge-warning badge-payment-pending">' in body
    assert 'ds-channel-mark ds-channel-va" aria-hidden="true">BCA</span>' in body
    steps = body.split('<ol class="ds-steps">', 1)[1].split("</ol>", 1)[0]
    assert steps.count("<li>") == 4
    assert "BCA mobile (m-BCA)" in steps
    assert 'hx-trigger="every 3s"' in body
    assert url("payment_status", payment.public_id) in body  # "Perbarui status" without JavaScript
    assert url("payment_cancel", payment.public_id) in body
    for month in ("Maret 2026", "April 2026", "Mei 2026"):
        assert month in body
    assert "style=" not in body
    assert "<script>" not in body


def test_qris_payment_draws_the_qr_inline_as_svg(owner_client: Client, owner: Any, participant: Any) -> None:
    p = payment_create(user=owner, participant_public_id=participant.public_id, months=1, channel="qris")
    body = owner_client.get(url("payment", p.public_id)).content.decode()
    assert '<svg width="' in body
    assert 'class="segno"' in body
    assert "<img" not in body


@pytest.mark.parametrize(
    ("channel", "needle"),
    [("indomaret", "Tunjukkan kode ini di kasir Indomaret"), ("gopay", "Buka aplikasi GoPay")],
)
def test_store_code_and_wallet_deeplink(
    owner_client: Client, owner: Any, participant: Any, channel: str, needle: str
) -> None:
    p = payment_create(user=owner, participant_public_id=participant.public_id, months=1, channel=channel)
    body = owner_client.get(url("payment", p.public_id)).content.decode()
    assert needle in body
    if channel == "indomaret":
        assert f'aria-labelledby="pay-code-label pay-code">{p.payment_code}</p>' in body
    else:
        assert p.deeplink_url in body


def test_poll_returns_fragment_while_open_and_stops_when_paid(payment: Payment, owner: Any) -> None:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(owner)
    open_ = client.get(url("payment_status", payment.public_id))
    assert open_.status_code == 200
    assert open_.content.decode().strip().startswith('<section id="payment-status"')
    assert "<html" not in open_.content.decode()

    settle(payment)
    paid = client.get(url("payment_status", payment.public_id))
    body = paid.content.decode()
    assert paid.status_code == 286  # htmx stops polling
    assert "every 3s" not in body
    assert "Lunas" in body
    assert "Dilindungi sampai Minggu, 31 Mei 2026." in body
    assert url("receipt_download", payment.public_id) in body
    assert reverse("participants:dashboard") in body


def test_status_link_without_javascript_goes_back_to_the_page(owner_client: Client, payment: Payment) -> None:
    response = owner_client.get(url("payment_status", payment.public_id))
    assert response.status_code == 302
    assert response["Location"] == url("payment", payment.public_id)


def test_full_page_and_htmx_fragment_of_the_payment_page(payment: Payment, owner: Any) -> None:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(owner)
    body = client.get(url("payment", payment.public_id)).content.decode()
    assert "<html" not in body
    assert 'id="payment-status"' in body


def test_cancel_asks_then_cancels(owner_client: Client, payment: Payment) -> None:
    confirm = owner_client.get(url("payment_cancel", payment.public_id))
    assert "Batalkan pembayaran?" in confirm.content.decode()
    payment.refresh_from_db()
    assert payment.status == S.PENDING
    response = owner_client.post(url("payment_cancel", payment.public_id))
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == S.CANCEL
    page = owner_client.get(url("payment", payment.public_id)).content.decode()
    assert "Dibatalkan" in page
    assert "every 3s" not in page


def test_cancelling_a_paid_payment_is_refused(owner_client: Client, payment: Payment) -> None:
    settle(payment)
    owner_client.post(url("payment_cancel", payment.public_id))
    payment.refresh_from_db()
    assert payment.status == S.SETTLEMENT


def test_history_lists_payments_with_status_channel_months_and_receipt(
    owner_client: Client, payment: Payment, participant: Any
) -> None:
    settle(payment)
    response = owner_client.get(url("history", participant.public_id))
    body = response.content.decode()
    assert "Virtual account BCA" in body
    assert "3 bulan mulai Mar 2026" in body
    assert "Lunas" in body
    assert url("receipt_download", payment.public_id) in body


def test_history_htmx_fragment(payment: Payment, participant: Any, owner: Any) -> None:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(owner)
    body = client.get(url("history", participant.public_id)).content.decode()
    assert body.strip().startswith('<section id="payments"')
    assert "<html" not in body


# --- Query budgets ---------------------------------------------------------------------------------------


def test_query_budget_of_payment_pages(
    owner_client: Client, owner: Any, participant: Any, payment: Payment, django_assert_max_num_queries: Any
) -> None:
    settle(payment)
    for _ in range(5):  # history length must not change the count
        p = payment_create(user=owner, participant_public_id=participant.public_id, months=1, channel="qris")
        owner_client.post(url("payment_cancel", p.public_id))
    htmx = Client(headers={"HX-Request": "true"})
    htmx.force_login(owner)
    # Warm-up: the idle-timeout middleware stamps a fresh session once; the history shows (and clears)
    # the cancel messages.
    owner_client.get(url("history", participant.public_id))
    htmx.get(url("history", participant.public_id))
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert owner_client.get(url("payment", payment.public_id)).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert htmx.get(url("payment_status", payment.public_id)).status_code == 286
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert owner_client.get(url("history", participant.public_id)).status_code == 200


# --- Personas for every participant-scoped URL ------------------------------------------------------------

SCOPED = [
    ("payment", "payment"),
    ("payment_status", "payment"),
    ("payment_cancel", "payment"),
    ("history", "participant"),
]


@pytest.mark.parametrize(("name", "obj"), SCOPED)
def test_owner_gets_200(
    owner_client: Client, payment: Payment, participant: Any, name: str, obj: str
) -> None:
    target = payment if obj == "payment" else participant
    headers = {"HX-Request": "true"} if name == "payment_status" else {}
    assert owner_client.get(url(name, target.public_id), headers=headers).status_code == 200


@pytest.mark.parametrize(("name", "obj"), SCOPED)
def test_other_participant_and_staff_get_404(
    client: Client,
    payment: Payment,
    participant: Any,
    other_participant: Any,
    staff_user: Any,
    name: str,
    obj: str,
) -> None:
    target = payment if obj == "payment" else participant
    for user in (other_participant, staff_user):
        client.force_login(user)
        assert client.get(url(name, target.public_id)).status_code == 404
    client.force_login(other_participant)
    assert client.post(url("payment_cancel", payment.public_id)).status_code == 404
    payment.refresh_from_db()
    assert payment.status == S.PENDING


@pytest.mark.parametrize(("name", "obj"), SCOPED)
def test_anonymous_is_sent_to_login(
    client: Client, payment: Payment, participant: Any, name: str, obj: str
) -> None:
    target = payment if obj == "payment" else participant
    response = client.get(url(name, target.public_id))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
