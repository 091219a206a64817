"""The fake gateway's sandbox page: real HTTP notifications to our own endpoint; 404 in production."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from contributions.dev_views import simulate
from contributions.models import Payment
from contributions.models import PaymentStatus as S
from contributions.services import payment_create
from participants.models import Contribution
from tests.contributions.factories import bpu_participant


@pytest.fixture
def live_payment(rates: None) -> Payment:
    participant = bpu_participant()
    return payment_create(
        user=participant.user, participant_public_id=participant.public_id, months=1, channel="qris"
    )


def test_settle_button_posts_signed_notification_over_http(live_server: Any, live_payment: Payment) -> None:
    assert simulate(live_payment.order_id, "settle", base_url=live_server.url) == [200]
    assert Payment.objects.get(pk=live_payment.pk).status == S.SETTLEMENT
    assert simulate(live_payment.order_id, "duplicate", base_url=live_server.url) == [200, 200]
    assert simulate(live_payment.order_id, "wrong_amount", base_url=live_server.url) == [400]
    assert Contribution.objects.filter(participant_id=live_payment.participant_id).count() == 1


def test_out_of_order_button(live_server: Any, live_payment: Payment) -> None:
    assert simulate(live_payment.order_id, "out_of_order", base_url=live_server.url) == [200, 200, 200]
    assert Payment.objects.get(pk=live_payment.pk).status == S.SETTLEMENT


def test_early_settlement_button_then_settle_credits_at_once(live_server: Any, live_payment: Payment) -> None:
    assert simulate(live_payment.order_id, "early", base_url=live_server.url) == [200]
    assert Payment.objects.get(pk=live_payment.pk).status == S.PENDING
    assert simulate(live_payment.order_id, "settle", base_url=live_server.url) == [200]
    assert Payment.objects.get(pk=live_payment.pk).status == S.SETTLEMENT
    assert Contribution.objects.filter(participant_id=live_payment.participant_id).count() == 1


def test_sandbox_page_lists_and_acts(live_server: Any, live_payment: Payment, settings: Any) -> None:
    settings.PORTAL_BASE_URL = live_server.url
    settings.DEBUG = True  # pytest-django runs tests with DEBUG off
    settings.ROOT_URLCONF = "tests.contributions.urls_debug"
    client = Client()
    page = client.get("/_dev/gateway/")
    assert page.status_code == 200
    assert live_payment.order_id in page.content.decode()
    response = client.post(f"/_dev/gateway/{live_payment.order_id}/expire/")
    assert response.status_code == 302
    assert Payment.objects.get(pk=live_payment.pk).status == S.EXPIRE


def test_sandbox_is_404_in_production(db: None, settings: Any) -> None:
    settings.DEBUG = False
    assert Client().get("/_dev/gateway/").status_code == 404  # not even routed
    settings.ROOT_URLCONF = "tests.contributions.urls_debug"
    assert Client().get("/_dev/gateway/").status_code == 404  # and the view refuses too
    assert Client().post("/_dev/gateway/IU-x/settle/").status_code == 404
