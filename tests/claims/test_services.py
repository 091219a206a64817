"""Claimant and staff services, end to end without the broker (tasks called directly)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from claims.models import Claim, ClaimHistory, ClaimPayout
from claims.models import ClaimStatus as S
from claims.payout.services import claim_pay
from claims.services import (
    ClaimError,
    IllegalTransition,
    claim_approve,
    claim_cancel,
    claim_record_interview,
    claim_reject,
    claim_request_revision,
    claim_schedule_interview,
    claim_second_approve,
    claim_start_draft,
    claim_submit,
    claim_update_draft,
)
from claims.verification import claim_verify
from participants.ledger.models import JhtBalance
from tests.claims.conftest import NOW
from tests.claims.factories import ready_draft, resigned_person, staff
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "_no_broker")]


@pytest.fixture
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from claims import tasks

    monkeypatch.setattr(tasks.verify_claim, "delay_on_commit", lambda pk: None)
    monkeypatch.setattr(tasks.pay_claim, "delay_on_commit", lambda pk: None)


def _statuses(claim: Claim) -> list[tuple[str, str]]:
    return list(ClaimHistory.objects.filter(claim=claim).values_list("from_status", "to_status"))


def test_start_draft_is_idempotent_per_person() -> None:
    person = resigned_person()
    first = claim_start_draft(user=person.user, reason="resign")
    again = claim_start_draft(user=person.user)
    assert first.pk == again.pk
    assert first.bank_account_name == person.full_name
    assert Claim.objects.count() == 1


def test_start_draft_without_a_kpj() -> None:
    with pytest.raises(ClaimError) as refused:
        claim_start_draft(user=UserFactory())
    assert refused.value.code == "no_participant"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("reason", "death", "invalid_reason"),
        ("bank_code", "999", "invalid_bank"),
        ("bank_account_number", "12ab", "invalid_account_number"),
        ("bank_account_name", "   ", "invalid_account_name"),
        ("npwp", "1234", "invalid_npwp"),
    ],
)
def test_update_draft_refuses_bad_values(field: str, value: str, code: str) -> None:
    person = resigned_person()
    draft = claim_start_draft(user=person.user)
    with pytest.raises(ClaimError) as refused:
        claim_update_draft(user=person.user, claim_id=draft.public_id, **{field: value})
    assert refused.value.code == code


def test_submit_freezes_the_claim_and_twice_is_one_claim() -> None:
    person = resigned_person(balance_idr=7_000_000, extra_kpj_balances=(3_000_000,))
    draft = ready_draft(person)
    claim = claim_submit(user=person.user, claim_id=draft.public_id)
    again = claim_submit(user=person.user, claim_id=draft.public_id)
    assert claim.pk == again.pk
    assert Claim.objects.count() == 1
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
    assert (claim.gross_idr, claim.tax_idr, claim.net_idr) == (10_000_000, 0, 10_000_000)
    assert claim.submitted_at == NOW
    assert [a["claim_idr"] for a in claim.snapshot["accounts"]] == [3_000_000, 7_000_000]  # oldest KPJ first
    assert claim.interview_required is False
    assert _statuses(claim) == [(S.DRAFT, S.SUBMITTED)]


def test_submit_refuses_when_not_eligible_and_changes_nothing() -> None:
    person = resigned_person()
    person.employments.update(exit_reported_on=None, exit_reason="")
    draft = ready_draft(person)
    with pytest.raises(ClaimError) as refused:
        claim_submit(user=person.user, claim_id=draft.public_id)
    assert refused.value.code == "exit_not_reported"
    draft.refresh_from_db()
    assert (draft.status, draft.gross_idr, draft.submitted_at) == (S.DRAFT, 0, None)


def test_submit_above_50_million_needs_npwp() -> None:
    person = resigned_person(balance_idr=60_000_000)
    draft = ready_draft(person)
    with pytest.raises(ClaimError) as refused:
        claim_submit(user=person.user, claim_id=draft.public_id)
    assert refused.value.code == "npwp_required"
    claim_update_draft(user=person.user, claim_id=draft.public_id, npwp="09.254.294.3-407.000")
    claim = claim_submit(user=person.user, claim_id=draft.public_id)
    assert (claim.gross_idr, claim.tax_idr, claim.net_idr) == (60_000_000, 500_000, 59_500_000)
    assert (claim.interview_required, claim.second_approval_required) == (True, True)


def test_submit_without_bank_details() -> None:
    person = resigned_person()
    draft = claim_start_draft(user=person.user, reason="resign")
    with pytest.raises(ClaimError) as refused:
        claim_submit(user=person.user, claim_id=draft.public_id)
    assert refused.value.code == "bank_missing"


def test_full_happy_path_small_claim() -> None:
    person = resigned_person(balance_idr=10_000_000)
    claim = claim_submit(user=person.user, claim_id=ready_draft(person).public_id)
    assert claim_verify(claim_id=claim.pk) is True
    assert claim_verify(claim_id=claim.pk) is False  # idempotent
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW
    assert set(claim.checks.values_list("result", flat=True)) == {"pass"}
    assert claim.complete_at == NOW
    assert str(claim.due_date) == "2026-03-09"  # Monday 2 March + 5 working days
    officer = staff()
    claim = claim_approve(actor=officer, claim_id=claim.public_id)
    assert claim.status == S.PAYING
    assert claim_pay(claim_id=claim.pk) == "paid"
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert JhtBalance.objects.get(account=person).balance_idr == 0
    assert _statuses(claim) == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.VERIFYING),
        (S.VERIFYING, S.IN_REVIEW),
        (S.IN_REVIEW, S.APPROVED),
        (S.APPROVED, S.PAYING),
        (S.PAYING, S.PAID),
    ]


def _in_review(balance_idr: int, npwp: str = "") -> tuple[Any, Claim]:
    person = resigned_person(balance_idr=balance_idr)
    claim = claim_submit(user=person.user, claim_id=ready_draft(person, npwp=npwp).public_id)
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    return person, claim


def test_large_claim_needs_interview_then_two_different_approvers() -> None:
    _, claim = _in_review(60_000_000, npwp="3171011705900001")
    first, second = staff(), staff()
    with pytest.raises(IllegalTransition) as refused:
        claim_approve(actor=first, claim_id=claim.public_id)
    assert refused.value.code == "interview_required"
    with pytest.raises(ClaimError) as unscheduled:
        claim_record_interview(actor=first, claim_id=claim.public_id, note="ok")
    assert unscheduled.value.code == "interview_not_scheduled"
    claim_schedule_interview(actor=first, claim_id=claim.public_id, at=NOW)
    claim_record_interview(actor=first, claim_id=claim.public_id, note="Identitas cocok dengan KTP.")
    claim = claim_approve(actor=first, claim_id=claim.public_id)
    assert claim.status == S.APPROVED
    with pytest.raises(ClaimError) as same:
        claim_second_approve(actor=first, claim_id=claim.public_id)
    assert same.value.code == "same_approver"
    with pytest.raises(ClaimError) as not_supervisor:
        claim_second_approve(actor=second, claim_id=claim.public_id)
    assert not_supervisor.value.code == "not_supervisor"
    second.groups.add(Group.objects.get_or_create(name="supervisor")[0])
    second = type(second).objects.get(pk=second.pk)  # roles are cached on the user object
    claim = claim_second_approve(actor=second, claim_id=claim.public_id)
    assert claim.status == S.PAYING
    assert (claim.first_approved_by, claim.second_approved_by) == (first, second)


def test_approval_blocked_while_a_check_fails() -> None:
    person = resigned_person()
    draft = ready_draft(person)
    claim_update_draft(user=person.user, claim_id=draft.public_id, bank_account_name="Budi Santoso")
    claim = claim_submit(user=person.user, claim_id=draft.public_id)
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    assert (claim.complete_at, claim.due_date) == (None, None)
    with pytest.raises(ClaimError) as refused:
        claim_approve(actor=staff(), claim_id=claim.public_id)
    assert refused.value.code == "checks_failed"
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW


def test_revision_round_trip() -> None:
    person, claim = _in_review(10_000_000)
    claim = claim_request_revision(
        actor=staff(), claim_id=claim.public_id, items=["bank_book"], note="Foto buku tabungan buram."
    )
    assert (claim.status, claim.revision_items) == (S.REVISION_REQUESTED, ["bank_book"])
    claim_update_draft(user=person.user, claim_id=claim.public_id, bank_account_number="5555666677")
    claim = claim_submit(user=person.user, claim_id=claim.public_id)
    assert claim.status == S.RESUBMITTED
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW


def test_reject_needs_a_known_reason_code() -> None:
    _, claim = _in_review(10_000_000)
    with pytest.raises(ClaimError) as refused:
        claim_reject(actor=staff(), claim_id=claim.public_id, reason_code="because")
    assert refused.value.code == "invalid_reason_code"
    claim = claim_reject(
        actor=staff(), claim_id=claim.public_id, reason_code="documents_unreadable", note="KK buram"
    )
    assert (claim.status, claim.rejection_code, claim.rejection_note) == (
        S.REJECTED,
        "documents_unreadable",
        "KK buram",
    )


def test_claimant_cannot_use_staff_services_on_their_own_claim() -> None:
    person, claim = _in_review(10_000_000)
    with pytest.raises(ClaimError) as refused:
        claim_approve(actor=person.user, claim_id=claim.public_id)
    assert refused.value.code == "not_staff"


def test_cancel_before_review_but_not_after() -> None:
    person = resigned_person()
    claim = claim_submit(user=person.user, claim_id=ready_draft(person).public_id)
    assert claim_cancel(user=person.user, claim_id=claim.public_id).status == S.CANCELLED
    assert claim_cancel(user=person.user, claim_id=claim.public_id).status == S.CANCELLED  # idempotent

    person2, in_review = _in_review(10_000_000)
    with pytest.raises(IllegalTransition):
        claim_cancel(user=person2.user, claim_id=in_review.public_id)


def test_a_cancelled_claim_frees_the_person_for_a_new_one() -> None:
    person = resigned_person()
    claim = claim_submit(user=person.user, claim_id=ready_draft(person).public_id)
    claim_cancel(user=person.user, claim_id=claim.public_id)
    again = claim_submit(user=person.user, claim_id=ready_draft(person).public_id)
    assert again.pk != claim.pk
    assert again.status == S.SUBMITTED


def test_second_partial_claim_after_a_paid_one_is_refused() -> None:
    person = resigned_person(balance_idr=20_000_000)
    person.status = "aktif"
    person.save()
    person.employments.update(end_date=None, exit_reported_on=None, exit_reason="")
    claim = claim_submit(user=person.user, claim_id=ready_draft(person, reason="partial_10").public_id)
    assert claim.gross_idr == 2_000_000
    Claim.objects.filter(pk=claim.pk).update(status=S.PAID)
    with pytest.raises(ClaimError) as refused:
        claim_submit(user=person.user, claim_id=ready_draft(person, reason="partial_30").public_id)
    assert refused.value.code == "partial_already_taken"
    assert ClaimPayout.objects.count() == 0


def test_documents_are_stored_privately_under_random_names() -> None:
    from django.core.files.storage import storages

    from claims.services import claim_attach_document
    from tests.claims.factories import pdf

    person = resigned_person(full_name="Rizky Pratama")
    draft = claim_start_draft(user=person.user, reason="resign")
    doc = claim_attach_document(
        user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf("KTP Rizky.PDF")
    )
    name = doc.file.name or ""
    assert name.startswith("claims/")
    assert name.endswith(".pdf")
    assert "Rizky" not in name
    assert doc.file.storage._wrapped is storages["private"]
    assert storages["private"].exists(doc.file.name)  # the test's tmp_path, not the real directory
    again = claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())
    assert list(draft.documents.values_list("pk", flat=True)) == [again.pk]  # replaced, not added
    with pytest.raises(ClaimError) as refused:
        claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="selfie", file=pdf())
    assert refused.value.code == "invalid_document_type"


def test_another_person_cannot_touch_the_claim() -> None:
    from django.http import Http404

    person = resigned_person()
    draft = ready_draft(person)
    stranger = resigned_person().user
    for call in (
        lambda: claim_update_draft(user=stranger, claim_id=draft.public_id, bank_account_number="99999999"),
        lambda: claim_submit(user=stranger, claim_id=draft.public_id),
        lambda: claim_cancel(user=stranger, claim_id=draft.public_id),
    ):
        with pytest.raises(Http404):
            call()
    draft.refresh_from_db()
    assert (draft.status, draft.bank_account_number) == (S.DRAFT, "1234567890")


def test_retry_payout_only_for_paying_claims() -> None:
    from claims.services import claim_retry_payout
    from portal.effects.models import Effect, EffectStatus
    from tests.claims.factories import claim_in
    from tests.effects import recorded_effects

    paying = claim_in(S.PAYING)
    claim_retry_payout(actor=staff(), claim_id=paying.public_id)
    assert recorded_effects() == [("claims.tasks.pay_claim", [paying.pk])]
    Effect.objects.update(status=EffectStatus.FAILED, attempts=5)
    claim_retry_payout(actor=staff(), claim_id=paying.public_id)  # the failed payout starts over
    assert list(Effect.objects.values_list("status", "attempts")) == [(EffectStatus.PENDING, 0)]
    with pytest.raises(ClaimError) as refused:
        claim_retry_payout(actor=staff(), claim_id=claim_in(S.PAID).public_id)
    assert refused.value.code == "not_paying"
