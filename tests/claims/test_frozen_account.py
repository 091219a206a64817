"""Claims and "Bukan saya" (issue 16, item 4): a frozen person files no claim, changes no bank account
and is not paid; a bank change is a security event; a claim soon after an assisted activation or a
contact change goes to a video interview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import SecurityEvent
from accounts.security_events import claim_needs_interview, not_me_token, security_event_record
from claims.models import Claim, ClaimPayout
from claims.payout.services import claim_pay
from claims.services import ClaimError, claim_start_draft, claim_submit, claim_update_draft
from participants.ledger.models import JhtBalance, LedgerEntry
from participants.models import Participant
from tests.claims.conftest import NOW
from tests.claims.factories import claim_in, ready_draft, resigned_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _freeze(person: Participant) -> None:
    event = security_event_record(kind="contact_change", participant=person)
    assert Client().post(reverse("accounts:not_me", args=[not_me_token(event)])).status_code == 200


def test_frozen_person_cannot_submit_start_or_change_the_bank_account() -> None:
    person = resigned_person()
    draft = ready_draft(person, account="1234567890")
    _freeze(person)
    with pytest.raises(ClaimError) as refused:
        claim_submit(user=person.user, claim_id=draft.public_id)
    assert refused.value.code == "account_frozen"
    with pytest.raises(ClaimError) as refused:
        claim_update_draft(user=person.user, claim_id=draft.public_id, bank_account_number="9999999999")
    assert refused.value.code == "account_frozen"
    draft.refresh_from_db()
    assert (draft.status, draft.bank_account_number, draft.submitted_at) == ("draft", "1234567890", None)
    Claim.objects.filter(pk=draft.pk).delete()
    with pytest.raises(ClaimError) as refused:
        claim_start_draft(user=person.user)
    assert refused.value.code == "account_frozen"
    assert Claim.objects.count() == 0


def test_payout_of_a_frozen_person_moves_no_money() -> None:
    person = resigned_person(balance_idr=10_000_000)
    claim = claim_in("paying", person)
    _freeze(person)
    entries = LedgerEntry.objects.count()
    assert claim_pay(claim_id=claim.pk) == "frozen"
    claim.refresh_from_db()
    assert claim.status == "paying"
    assert LedgerEntry.objects.count() == entries
    assert JhtBalance.objects.get(account=person).balance_idr == 10_000_000
    assert ClaimPayout.objects.count() == 0


def test_bank_account_change_is_a_security_event() -> None:
    person = resigned_person()
    draft = claim_start_draft(user=person.user)
    claim_update_draft(
        user=person.user,
        claim_id=draft.public_id,
        bank_code="014",
        bank_account_number="1234567890",
        bank_account_name=person.full_name,
    )
    claim_update_draft(user=person.user, claim_id=draft.public_id, bank_account_name=person.full_name)
    claim_update_draft(user=person.user, claim_id=draft.public_id, bank_account_number="5555666677")
    events = SecurityEvent.objects.filter(kind="bank_change").order_by("created_at", "pk")
    assert [e.detail for e in events] == [
        {"bank": "014", "account": "****7890"},
        {"bank": "014", "account": "****6677"},
    ]
    assert all(e.nik_index == person.nik_index for e in events)


@pytest.mark.parametrize(
    ("kind", "days_ago", "interview"),
    [
        ("contact_change", 13, True),
        ("assisted_activation", 1, True),
        ("contact_change", 15, False),
        ("new_browser_login", 1, False),
    ],
)
def test_claim_soon_after_a_contact_change_goes_to_interview(
    kind: str, days_ago: int, interview: bool
) -> None:
    person = resigned_person()
    event = security_event_record(kind=kind, participant=person, notify=False)
    SecurityEvent.objects.filter(pk=event.pk).update(created_at=NOW - dt.timedelta(days=days_ago))
    assert claim_needs_interview(nik_index=person.nik_index) is interview
    claim = claim_submit(user=person.user, claim_id=ready_draft(person).public_id)
    assert claim.interview_required is interview
