"""Races on real PostgreSQL: one open claim per person, one payout per claim — repeated, because one
lucky run proves nothing."""

from __future__ import annotations

from functools import partial

import pytest
import time_machine

from claims.models import Claim, ClaimPayout
from claims.models import ClaimStatus as S
from claims.payout.services import claim_pay
from claims.services import ClaimError, claim_submit
from participants.ledger.models import EntryKind, JhtBalance, LedgerEntry
from participants.models import Participant
from tests.claims.conftest import NOW
from tests.claims.factories import claim_in, ready_draft, resigned_person, staff
from tests.concurrency import race
from tests.factories import ParticipantFactory

ROUNDS = 5

pytestmark = [pytest.mark.usefixtures("rates", "_no_broker")]


@pytest.fixture
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from claims import tasks

    monkeypatch.setattr(tasks.verify_claim, "delay_on_commit", lambda pk: None)
    monkeypatch.setattr(tasks.pay_claim, "delay_on_commit", lambda pk: None)


def test_two_claims_submitted_at_once_for_one_person_end_with_exactly_one() -> None:
    with time_machine.travel(NOW, tick=False):
        for _ in range(ROUNDS):
            person = resigned_person()
            # Two drafts through two KPJs of the same NIK (two devices, two browser tabs).
            sibling = ParticipantFactory(
                nik=person.nik, birth_date=person.birth_date, user=person.user, status="nonaktif"
            )
            first = ready_draft(person)
            second = Claim.objects.create(
                participant=sibling,
                nik_index=person.nik_index,
                user=person.user,
                reason="resign",
                bank_code="014",
                bank_account_number="1234567890",
                bank_account_name=person.full_name,
            )
            results = race(
                partial(claim_submit, user=person.user, claim_id=first.public_id),
                partial(claim_submit, user=person.user, claim_id=second.public_id),
            )
            accepted = [r for r in results if isinstance(r, Claim)]
            refused = [r for r in results if isinstance(r, ClaimError)]
            assert len(accepted) == 1, results
            assert [r.code for r in refused] == ["open_claim_exists"]
            statuses = sorted(
                Claim.objects.filter(nik_index=person.nik_index).values_list("status", flat=True)
            )
            assert statuses == [S.DRAFT, S.SUBMITTED]


def test_the_same_claim_submitted_twice_at_once_is_one_submission() -> None:
    with time_machine.travel(NOW, tick=False):
        for _ in range(ROUNDS):
            person = resigned_person()
            draft = ready_draft(person)
            results = race(*[partial(claim_submit, user=person.user, claim_id=draft.public_id)] * 2)
            assert all(isinstance(r, Claim) and r.pk == draft.pk for r in results), results
            assert draft.history.count() == 1


def test_concurrent_payouts_debit_once_and_never_below_zero() -> None:
    with time_machine.travel(NOW, tick=False):
        for _ in range(ROUNDS):
            person = resigned_person(balance_idr=7_000_000, extra_kpj_balances=(3_000_000,))
            rows = [
                {"participant_id": p.pk, "claim_idr": p.jht_balance.balance_idr}
                for p in Participant.objects.filter(nik_index=person.nik_index)
            ]
            claim = claim_in(
                S.PAYING,
                person,
                snapshot={"accounts": rows},
                gross_idr=10_000_000,
                net_idr=10_000_000,
                first_approved_by=staff(),
            )
            results = race(*[partial(claim_pay, claim_id=claim.pk)] * 4)
            assert sorted(results) == ["paid", "skipped", "skipped", "skipped"], results
            balances = JhtBalance.objects.filter(account__nik_index=person.nik_index)
            assert sorted(balances.values_list("balance_idr", flat=True)) == [0, 0]
            assert (
                LedgerEntry.objects.filter(
                    kind=EntryKind.CLAIM_PAYOUT, account__nik_index=person.nik_index
                ).count()
                == 2
            )
            assert ClaimPayout.objects.filter(claim=claim, outcome="success").count() == 1


def test_payout_racing_another_debit_never_drives_the_balance_negative() -> None:
    from participants.ledger.services import InsufficientBalance, ledger_post

    with time_machine.travel(NOW, tick=False):
        for round_no in range(ROUNDS):
            person = resigned_person(balance_idr=10_000_000)
            claim = claim_in(
                S.PAYING,
                person,
                snapshot={"accounts": [{"participant_id": person.pk, "claim_idr": 10_000_000}]},
                first_approved_by=staff(),
            )

            def correction(p: Participant = person, n: int = round_no) -> str:
                try:
                    ledger_post(
                        account_id=p.pk,
                        kind=EntryKind.CORRECTION,
                        amount_idr=-4_000_000,
                        value_date=NOW.date(),
                        idempotency_key=f"race-correction:{p.pk}:{n}",
                        reason="koreksi",
                    )
                except InsufficientBalance:
                    return "refused"
                return "posted"

            results = race(partial(claim_pay, claim_id=claim.pk), correction)
            balance = JhtBalance.objects.get(account=person).balance_idr
            assert sorted(results) in (["insufficient_balance", "posted"], ["paid", "refused"]), results
            assert balance == (0 if "paid" in results else 6_000_000)
