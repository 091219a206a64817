"""Automated verification: the checklist items and the name matching rules."""

from __future__ import annotations

import pytest
from django.http import Http404

from claims.models import Claim, ClaimCheck
from claims.models import ClaimStatus as S
from claims.services import claim_submit
from claims.verification import claim_preflight, claim_verify, name_match, normalise_name
from participants.models import Participant
from tests.claims.factories import claim_in, ready_draft, resigned_person
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Bpk. RIZKY  Pratama, S.T.", "rizky pratama"),
        ("Ibu Siti Aminah", "siti aminah"),
        ("H. Ahmad Fauzi, S.E., M.M.", "ahmad fauzi"),
        ("Hj. Sri   Wahyuni", "sri wahyuni"),
        ("dr. Dewi Lestari", "dewi lestari"),
        ("Nyoman Suartá", "nyoman suarta"),
    ],
)
def test_normalise_name(raw: str, normal: str) -> None:
    assert normalise_name(raw) == normal


@pytest.mark.parametrize(
    ("recorded", "holder", "result"),
    [
        ("Rizky Pratama", "RIZKY PRATAMA", "pass"),
        ("Rizky Pratama", "Bpk. Rizky Pratama, S.T.", "pass"),
        ("Rizky Pratama", "Risky Pratama", "warning"),
        ("Muhammad Rizky", "Muhamad Rizky", "warning"),
        ("Rizky Pratama", "Budi Santoso", "fail"),
        ("Rizky Pratama", "", "fail"),
        ("Rizky Pratama", "Rizky", "fail"),
    ],
)
def test_name_match(recorded: str, holder: str, result: str) -> None:
    assert name_match(recorded, holder) == result


@pytest.fixture
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    from claims import tasks

    monkeypatch.setattr(tasks.verify_claim, "delay_on_commit", lambda pk: None)


def _checks(claim: Claim) -> dict[str, str]:
    return dict(ClaimCheck.objects.filter(claim=claim).values_list("code", "result"))


def _submitted(person: Participant, **draft: str) -> Claim:
    return claim_submit(user=person.user, claim_id=ready_draft(person, **draft).public_id)


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_clean_claim_passes_every_check() -> None:
    claim = _submitted(resigned_person())
    claim_verify(claim_id=claim.pk)
    assert _checks(claim) == {
        "nik_structure": "pass",
        "nik_birth_date": "pass",
        "bank_name": "pass",
        "eligibility": "pass",
        "documents": "pass",
        "npwp": "pass",
        "duplicate_claim": "pass",
        "bank_account_reuse": "pass",
    }


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_near_miss_holder_name_is_a_warning_and_the_file_is_still_complete() -> None:
    person = resigned_person(full_name="Rizky Pratama")
    claim = ready_draft(person)
    Claim.objects.filter(pk=claim.pk).update(bank_account_name="RISKY PRATAMA")
    claim = claim_submit(user=person.user, claim_id=claim.public_id)
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    check = ClaimCheck.objects.get(claim=claim, code="bank_name")
    assert check.result == "warning"
    assert check.message.startswith("Nama pemilik rekening hampir sama")
    assert claim.complete_at is not None


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_birth_date_differing_from_the_nik_fails() -> None:
    person = resigned_person()
    Participant.objects.filter(pk=person.pk).update(birth_date="1990-05-18")
    claim = _submitted(Participant.objects.get(pk=person.pk))
    claim_verify(claim_id=claim.pk)
    assert _checks(claim)["nik_birth_date"] == "fail"


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_sex_differing_from_the_plus_40_rule_fails() -> None:
    person = resigned_person()
    Participant.objects.filter(pk=person.pk).update(sex="P")
    claim = _submitted(Participant.objects.get(pk=person.pk))
    claim_verify(claim_id=claim.pk)
    assert _checks(claim)["nik_birth_date"] == "fail"


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_missing_documents_are_named() -> None:
    person = resigned_person()
    claim = _submitted(person)
    claim.documents.filter(doc_type__in=["kk", "paklaring"]).delete()
    Claim.objects.filter(pk=claim.pk).update(status=S.SUBMITTED)
    claim_verify(claim_id=claim.pk)
    check = ClaimCheck.objects.get(claim=claim, code="documents")
    assert (check.result, check.message) == (
        "fail",
        "Dokumen belum diunggah: Kartu Keluarga, Paklaring / surat keterangan berhenti bekerja.",
    )


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_npwp_checked_above_50_million() -> None:
    claim = _submitted(resigned_person(balance_idr=50_000_001), npwp="3171011705900001")
    claim_verify(claim_id=claim.pk)
    assert _checks(claim)["npwp"] == "pass"
    Claim.objects.filter(pk=claim.pk).update(npwp="", status=S.SUBMITTED)
    claim_verify(claim_id=claim.pk)
    check = ClaimCheck.objects.get(claim=claim, code="npwp")
    assert (check.result, check.message) == (
        "fail",
        "Klaim di atas Rp50.000.000 wajib mencantumkan NPWP (15 digit, atau NIK 16 digit sebagai NPWP).",
    )


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_bank_account_used_by_another_persons_claim_fails() -> None:
    claim_in(S.PAID, resigned_person(full_name="Budi Santoso"), bank_account_number="9988776655")
    claim = _submitted(resigned_person(), account="9988776655")
    claim_verify(claim_id=claim.pk)
    assert _checks(claim)["bank_account_reuse"] == "fail"


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_eligibility_is_rechecked_at_verification() -> None:
    person = resigned_person()
    claim = _submitted(person)
    person.employments.update(exit_reported_on=None, exit_reason="")
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    assert _checks(claim)["eligibility"] == "fail"
    assert claim.status == S.IN_REVIEW
    assert (claim.complete_at, claim.due_date) == (None, None)


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_a_rerun_replaces_the_checklist() -> None:
    person = resigned_person()
    claim = _submitted(person)
    claim_verify(claim_id=claim.pk)
    Claim.objects.filter(pk=claim.pk).update(status=S.RESUBMITTED)
    claim_verify(claim_id=claim.pk)
    assert ClaimCheck.objects.filter(claim=claim).count() == 8


@pytest.mark.usefixtures("frozen", "_no_broker")
@pytest.mark.django_db
def test_preflight_gives_the_claimant_the_same_checks_without_storing_them() -> None:
    person = resigned_person()
    draft = ready_draft(person)
    Claim.objects.filter(pk=draft.pk).update(bank_account_name="Budi Santoso")
    checks = {c.code: c.result for c in claim_preflight(user=person.user, claim_id=draft.public_id)}
    assert checks["bank_name"] == "fail"
    assert checks["eligibility"] == "pass"
    assert ClaimCheck.objects.count() == 0
    with pytest.raises(Http404):
        claim_preflight(user=UserFactory(), claim_id=draft.public_id)
