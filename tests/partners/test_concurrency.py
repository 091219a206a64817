"""Concurrent duplicates from 8 threads credit once: the same X-EXTERNAL-ID (replayed answer), and
the same payment under 8 different X-EXTERNAL-IDs (one credit, the others "paid bill")."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from contributions.models import Payment, Receipt
from participants.ledger.models import LedgerEntry
from participants.models import Contribution
from partners.models import PartnerPayment, RequestJournal
from tests.concurrency import failures, race
from tests.contributions.factories import bpu_participant
from tests.partners.conftest import SnapClient

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


def _setup(partner: Any) -> tuple[SnapClient, Any, str]:
    snap = SnapClient()
    assert snap.token().status_code == 200
    participant = bpu_participant()
    response = snap.inquiry(participant.kpj, "inq-1")
    return snap, participant, response.json()["virtualAccountData"]["totalAmount"]["value"]


def _assert_one_credit(participant: Any) -> None:
    assert Payment.objects.filter(participant=participant).count() == 1
    assert Contribution.objects.filter(participant=participant).count() == 1
    assert LedgerEntry.objects.filter(account=participant).count() == 1
    assert Receipt.objects.count() == 1
    assert PartnerPayment.objects.count() == 1


def test_same_external_id_from_8_threads(partner: Any) -> None:
    snap, participant, amount = _setup(partner)
    body = snap.bank.payment_body(participant.kpj, "inq-1", amount)
    path = "/snap/v1.0/transfer-va/payment"

    def pay() -> tuple[int, str]:
        client = SnapClient()
        client.bank.token = snap.bank.token
        response = client.post(path, body, external_id="777")
        return response.status_code, response.json()["responseCode"]

    results = race(*[pay for _ in range(THREADS)])
    assert failures(results) == []
    assert Counter(results) == Counter({(200, "2002500"): THREADS})
    assert RequestJournal.objects.filter(external_id="777").count() == 1
    _assert_one_credit(participant)


def test_same_payment_under_8_external_ids(partner: Any) -> None:
    snap, participant, amount = _setup(partner)

    def pay(n: int) -> Any:
        def run() -> tuple[int, str]:
            client = SnapClient()
            client.bank.token = snap.bank.token
            response = client.payment(participant.kpj, "inq-1", amount, external_id=f"80{n}")
            return response.status_code, response.json()["responseCode"]

        return run

    results = race(*[pay(n) for n in range(THREADS)])
    assert failures(results) == []
    assert Counter(results) == Counter({(200, "2002500"): 1, (404, "4042514"): THREADS - 1})
    _assert_one_credit(participant)
