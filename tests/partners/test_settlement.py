"""Daily settlement files: matched lines, and every kind of difference as a payment flag."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from contributions.models import FlagKind, GatewayNotification, PaymentFlag
from partners.models import LineOutcome, PartnerPayment, SettlementImport, SettlementLine
from partners.settlement import SettlementError, settlement_import
from tests.contributions.factories import bpu_participant
from tests.partners.conftest import SnapClient

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
HEADER = "payment_request_id,customer_no,amount,reference_no\n"


def _paid(snap: SnapClient, request_id: str) -> PartnerPayment:
    participant = bpu_participant()
    answer = snap.inquiry(participant.kpj, request_id).json()
    amount = answer["virtualAccountData"]["totalAmount"]["value"]
    assert snap.payment(participant.kpj, request_id, amount).status_code == 200
    return PartnerPayment.objects.get(payment_request_id=request_id)


def test_differences_become_payment_flags(frozen: Any, snap: SnapClient, partner: Any) -> None:
    matched, short, missing = _paid(snap, "r-1"), _paid(snap, "r-2"), _paid(snap, "r-3")
    text = HEADER + (
        f"r-1,{matched.payment.participant.kpj},{matched.paid_amount_idr}.00,REF1\n"
        f"r-2,{short.payment.participant.kpj},{short.paid_amount_idr - 1000}.00,REF2\n"
        "r-9,23019999999,50000.00,REF9\n"
    )
    run = settlement_import(partner=partner, day=DAY, text=text, file_name="demo-20260310.csv")
    assert (run.line_count, run.matched_count, run.difference_count) == (3, 1, 3)
    outcomes = dict(SettlementLine.objects.values_list("payment_request_id", "outcome"))
    assert outcomes == {
        "r-1": LineOutcome.MATCHED,
        "r-2": LineOutcome.AMOUNT_MISMATCH,
        "r-9": LineOutcome.UNKNOWN,
        "r-3": LineOutcome.MISSING,
    }
    assert PaymentFlag.objects.get(payment=short.payment).kind == FlagKind.AMOUNT_MISMATCH
    assert PaymentFlag.objects.get(payment=missing.payment).kind == FlagKind.STATUS_MISMATCH
    assert not PaymentFlag.objects.filter(payment=matched.payment).exists()
    unknown = PaymentFlag.objects.get(notification__isnull=False)
    assert unknown.kind == FlagKind.UNKNOWN_ORDER
    assert GatewayNotification.objects.get().order_id == "r-9"
    short.payment.refresh_from_db()
    assert short.payment.needs_review
    matched.refresh_from_db()
    assert matched.settled_on == DAY


def test_malformed_file_and_second_import_change_nothing(frozen: Any, snap: SnapClient, partner: Any) -> None:
    paid = _paid(snap, "r-1")
    with pytest.raises(SettlementError, match="Kolom wajib tidak ada: amount"):
        settlement_import(
            partner=partner, day=DAY, text="payment_request_id,customer_no,reference_no\n", file_name="x"
        )
    with pytest.raises(SettlementError, match=r"baris 2: amount harus seperti 37800\.00"):
        settlement_import(partner=partner, day=DAY, text=HEADER + "r-1,1,12.5,REF\n", file_name="x")
    assert SettlementImport.objects.count() == 0
    good = HEADER + f"r-1,{paid.payment.participant.kpj},{paid.paid_amount_idr}.00,REF1\n"
    settlement_import(partner=partner, day=DAY, text=good, file_name="x")
    with pytest.raises(SettlementError, match="sudah diimpor"):
        settlement_import(partner=partner, day=DAY, text=good, file_name="x")
    assert SettlementImport.objects.count() == 1
    assert PaymentFlag.objects.count() == 0
