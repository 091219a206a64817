"""The same settlement notification delivered 1,000 times from 8 concurrent threads credits exactly
once — repeated over several payments, because one lucky run proves nothing."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from contributions.models import GatewayNotification, Payment, Receipt
from contributions.models import PaymentStatus as S
from contributions.services import payment_create
from participants.ledger.models import JhtBalance, LedgerEntry
from participants.models import Contribution
from tests.contributions.factories import bpu_participant, gateway_says, notification

DELIVERIES = 1000
THREADS = 8
ROUNDS = 4


def _deliver(body: bytes) -> Counter[int]:
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    per_thread = DELIVERIES // THREADS
    # Warm the process (URLconf, middleware, templates) like a serving worker is before its first request.
    Client().post("/payments/midtrans/notification/", data=b"{}", content_type="application/json")

    def worker() -> None:
        client = Client()
        # Warm the connection pool too (it opens connections lazily): a running server's pool is warm.
        Payment.objects.exists()
        connection.close()
        barrier.wait()
        try:
            for _ in range(per_thread):
                # Like Midtrans, redeliver on a non-2xx answer: 503 means "out of DB connections, retry"
                # (portal.middleware), which a loaded 2-core machine can produce in the first burst.
                for _attempt in range(5):
                    code = client.post(
                        "/payments/midtrans/notification/", data=body, content_type="application/json"
                    ).status_code
                    with lock:
                        statuses[code] += 1
                    if code != 503:
                        break
        finally:
            connection.close()

    connection.close()  # give the test thread's pooled connection back: 8 threads share DB_POOL_MAX_SIZE
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


@pytest.mark.usefixtures("rates")
def test_thousand_concurrent_deliveries_credit_exactly_once() -> None:
    for round_no in range(ROUNDS):
        participant = bpu_participant()
        payment = payment_create(
            user=participant.user, participant_public_id=participant.public_id, months=3, channel="bca_va"
        )
        gateway_says(payment, "settlement")
        statuses = _deliver(notification(payment, "settlement"))
        assert statuses[200] == DELIVERIES, f"round {round_no}: {statuses}"
        assert set(statuses) <= {200, 503}, f"round {round_no}: {statuses}"
        assert statuses[503] <= DELIVERIES // 100, f"round {round_no}: {statuses}"
        assert Payment.objects.get(pk=payment.pk).status == S.SETTLEMENT
        assert Contribution.objects.filter(participant=participant).count() == 3
        assert LedgerEntry.objects.filter(account=participant).count() == 3
        assert JhtBalance.objects.get(account=participant).balance_idr == 60_000
        assert Receipt.objects.filter(payment=payment).count() == 1
        assert GatewayNotification.objects.filter(payment=payment).count() == 1
        assert payment.events.filter(to_status=S.SETTLEMENT).count() == 1


@pytest.mark.usefixtures("rates")
def test_concurrent_distinct_notifications_still_credit_once() -> None:
    """Settlement and a reordered expire and pending, all at once: one credit, settlement wins."""
    participant = bpu_participant()
    payment = payment_create(
        user=participant.user, participant_public_id=participant.public_id, months=1, channel="qris"
    )
    gateway_says(payment, "settlement")
    bodies = [notification(payment, s) for s in ("settlement", "expire", "pending", "settlement")]
    results: list[int] = []

    def send(body: bytes) -> None:
        try:
            results.append(
                Client()
                .post("/payments/midtrans/notification/", data=body, content_type="application/json")
                .status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(b,)) for b in bodies * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) == {200}
    assert Payment.objects.get(pk=payment.pk).status == S.SETTLEMENT
    assert Contribution.objects.filter(participant=participant).count() == 1
    assert LedgerEntry.objects.filter(account=participant).count() == 1
