"""Payout: success debits every KPJ and pays once; refusals and timeouts debit nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from claims.models import Claim, ClaimPayout
from claims.models import ClaimStatus as S
from claims.payout.gateway import FakeBankTransfer, TransferTimeout
from claims.payout.services import claim_pay
from participants.ledger.models import EntryKind, JhtBalance, LedgerEntry
from participants.ledger.services import ledger_post
from participants.models import Participant
from tests.claims.conftest import NOW
from tests.claims.factories import claim_in, resigned_person, staff


def paying_claim(
    *, balances: tuple[int, ...] = (7_000_000, 3_000_000), account: str = "1234567890", **kw: Any
) -> Claim:
    person = resigned_person(balance_idr=balances[0], extra_kpj_balances=balances[1:])
    kpjs = list(Participant.objects.filter(nik_index=person.nik_index).order_by("pk"))
    rows = [{"participant_id": p.pk, "kpj": p.kpj, "claim_idr": p.jht_balance.balance_idr} for p in kpjs]
    gross = sum(r["claim_idr"] for r in rows)
    tax = kw.pop("tax_idr", 0)
    return claim_in(
        S.PAYING,
        person,
        bank_account_number=account,
        snapshot={"accounts": rows},
        gross_idr=gross,
        tax_idr=tax,
        net_idr=gross - tax,
        first_approved_by=staff(),
        **kw,
    )


def _payouts(claim: Claim) -> list[int]:
    return list(
        LedgerEntry.objects.filter(kind=EntryKind.CLAIM_PAYOUT, reason__contains=str(claim.public_id))
        .order_by("account_id")
        .values_list("amount_idr", flat=True)
    )


def _balances(claim: Claim) -> list[int]:
    return list(
        JhtBalance.objects.filter(account__nik_index=claim.nik_index)
        .order_by("account_id")
        .values_list("balance_idr", flat=True)
    )


pytestmark_payout = pytest.mark.usefixtures("frozen")


@pytest.mark.django_db
@pytestmark_payout
def test_success_debits_every_kpj_records_tax_and_marks_paid() -> None:
    claim = paying_claim(balances=(50_000_000, 10_000_000), tax_idr=500_000)
    assert claim_pay(claim_id=claim.pk) == "paid"
    claim.refresh_from_db()
    assert (claim.status, claim.paid_at) == (S.PAID, NOW)
    assert _payouts(claim) == [-50_000_000, -10_000_000]
    assert _balances(claim) == [0, 0]
    payout = ClaimPayout.objects.get(claim=claim)
    assert (payout.outcome, payout.amount_idr, payout.tax_idr) == ("success", 59_500_000, 500_000)
    assert payout.reference == f"JHT-{claim.public_id.hex}-1"
    assert FakeBankTransfer.transfers_for(payout.reference) is not None


@pytest.mark.django_db
@pytestmark_payout
def test_paying_twice_pays_once() -> None:
    claim = paying_claim()
    assert claim_pay(claim_id=claim.pk) == "paid"
    assert claim_pay(claim_id=claim.pk) == "skipped"
    assert _payouts(claim) == [-7_000_000, -3_000_000]
    assert ClaimPayout.objects.filter(claim=claim).count() == 1


@pytest.mark.django_db
@pytestmark_payout
@pytest.mark.parametrize(
    ("suffix", "outcome", "words"),
    [("9001", "name_mismatch", "nama pemilik"), ("9002", "account_closed", "ditutup")],
)
def test_refused_transfer_returns_the_claim_for_a_new_account(suffix: str, outcome: str, words: str) -> None:
    claim = paying_claim(account=f"12345{suffix}")
    assert claim_pay(claim_id=claim.pk) == "refused"
    claim.refresh_from_db()
    assert claim.status == S.REVISION_REQUESTED
    assert claim.revision_items == ["bank_account"]
    assert words in claim.revision_note
    assert claim.first_approved_by is None
    assert _payouts(claim) == []
    assert _balances(claim) == [7_000_000, 3_000_000]
    assert list(ClaimPayout.objects.filter(claim=claim).values_list("outcome", flat=True)) == [outcome]


@pytest.mark.django_db
@pytestmark_payout
def test_after_a_refusal_the_next_transfer_uses_a_new_reference() -> None:
    claim = paying_claim(account="123459001")
    claim_pay(claim_id=claim.pk)
    Claim.objects.filter(pk=claim.pk).update(status=S.PAYING, bank_account_number="5555666677")
    assert claim_pay(claim_id=claim.pk) == "paid"
    references = list(ClaimPayout.objects.filter(claim=claim).values_list("reference", "outcome"))
    assert references == [
        (f"JHT-{claim.public_id.hex}-1", "name_mismatch"),
        (f"JHT-{claim.public_id.hex}-2", "success"),
    ]


@pytest.mark.django_db
@pytestmark_payout
def test_timeout_debits_nothing_and_keeps_paying() -> None:
    claim = paying_claim(account="123459003")
    with pytest.raises(TransferTimeout):
        claim_pay(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == S.PAYING
    assert _payouts(claim) == []
    assert _balances(claim) == [7_000_000, 3_000_000]
    assert list(ClaimPayout.objects.filter(claim=claim).values_list("outcome", flat=True)) == ["timeout"]


@pytest.mark.django_db
@pytestmark_payout
def test_timeout_after_the_money_moved_is_paid_once_on_retry() -> None:
    claim = paying_claim(account="123459004")
    with pytest.raises(TransferTimeout):
        claim_pay(claim_id=claim.pk)
    assert claim_pay(claim_id=claim.pk) == "paid"
    assert _payouts(claim) == [-7_000_000, -3_000_000]
    assert list(ClaimPayout.objects.filter(claim=claim).values_list("outcome", flat=True)) == ["success"]


@pytest.mark.django_db
@pytestmark_payout
def test_balance_lowered_since_approval_debits_and_sends_nothing() -> None:
    claim = paying_claim(balances=(7_000_000,))
    ledger_post(
        account_id=claim.participant_id,
        kind=EntryKind.CORRECTION,
        amount_idr=-1,
        value_date=dt.date(2026, 3, 1),
        idempotency_key="koreksi",
        reason="koreksi iuran ganda",
    )
    assert claim_pay(claim_id=claim.pk) == "insufficient_balance"
    claim.refresh_from_db()
    assert claim.status == S.PAYING
    assert _payouts(claim) == []
    assert _balances(claim) == [6_999_999]
    payout = ClaimPayout.objects.get(claim=claim)
    assert payout.outcome == "insufficient_balance"
    assert FakeBankTransfer.transfers_for(payout.reference) is None


@pytest.mark.django_db
@pytestmark_payout
@pytest.mark.parametrize("status", [S.APPROVED, S.PAID, S.REJECTED, S.REVISION_REQUESTED])
def test_only_paying_claims_are_paid(status: str) -> None:
    claim = paying_claim()
    Claim.objects.filter(pk=claim.pk).update(status=status)
    assert claim_pay(claim_id=claim.pk) == "skipped"
    assert _payouts(claim) == []
