"""Decision letters (paid / rejected) and the claimant's cancel button."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.letters import claim_letter_render, mask_account
from claims.models import ClaimHistory, ClaimLetter
from claims.models import ClaimStatus as S
from claims.payout.services import claim_pay
from claims.services import claim_reject
from tests.claims.factories import claim_in, staff
from tests.claims.test_payout import paying_claim
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_mask_account_keeps_only_the_last_four_digits() -> None:
    assert mask_account("1234567890") == "••••••7890"
    assert mask_account("123") == "123"


def test_a_paid_claim_gets_one_letter_with_the_payment_details() -> None:
    claim = paying_claim(balances=(50_000_000, 10_000_000), tax_idr=500_000)
    assert claim_pay(claim_id=claim.pk) == "paid"
    claim_pay(claim_id=claim.pk)  # a redelivered task: still one letter
    letter = ClaimLetter.objects.get(claim=claim)
    s = letter.snapshot
    assert letter.kind == "paid"
    assert letter.number == f"JHT/2026/03/{claim.pk:08d}/B"
    assert (s["gross_idr"], s["tax_idr"], s["net_idr"]) == (60_000_000, 500_000, 59_500_000)
    assert (s["bank"], s["account"], s["account_name"]) == ("BCA", "••••••7890", "Rizky Pratama")
    assert s["paid_at"] == "02-03-2026 10:00 WIB"
    # The PDF shows dates the one way the web does: Indonesian month names, WIB on times.
    from django.template.loader import render_to_string

    html = render_to_string("claims/letter_pdf.html", {"letter": letter, "s": s})
    assert "Senin, 2 Maret 2026, 10.00 WIB" in html
    assert "2026-03-0" not in html
    assert "02-03-2026" not in html
    assert s["bank_reference"].startswith("FAKE")
    assert letter.rendered_at is None
    assert not letter.pdf


def test_rendering_is_done_once_and_the_owner_downloads_it() -> None:
    claim = paying_claim()
    claim_pay(claim_id=claim.pk)
    letter = ClaimLetter.objects.get(claim=claim)
    url = reverse("claims:letter_download", kwargs={"claim_id": claim.public_id})
    owner = logged_in(claim.user)

    pending = owner.get(url)
    assert pending.status_code == 202
    assert "Surat keputusan sedang disiapkan" in pending.content.decode()

    assert claim_letter_render(letter_id=letter.pk) is True
    assert claim_letter_render(letter_id=letter.pk) is False
    letter.refresh_from_db()
    first_name = letter.pdf.name

    response = owner.get(url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert 'attachment; filename="surat-klaim-JHT-2026-03-' in response["Content-Disposition"]
    letter.refresh_from_db()
    assert letter.pdf.name == first_name


def test_another_person_cannot_download_the_letter() -> None:
    claim = paying_claim()
    claim_pay(claim_id=claim.pk)
    claim_letter_render(letter_id=ClaimLetter.objects.get(claim=claim).pk)
    url = reverse("claims:letter_download", kwargs={"claim_id": claim.public_id})
    assert logged_in(UserFactory()).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_no_letter_before_a_decision() -> None:
    claim = claim_in(S.IN_REVIEW)
    url = reverse("claims:letter_download", kwargs={"claim_id": claim.public_id})
    assert logged_in(claim.user).get(url).status_code == 404
    assert ClaimLetter.objects.count() == 0


def test_a_rejected_claim_gets_a_letter_with_the_reason_and_the_fix() -> None:
    claim = claim_in(S.IN_REVIEW)
    claim_reject(
        actor=staff(), claim_id=claim.public_id, reason_code="bank_account_not_own", note="Rekening ayah."
    )
    letter = ClaimLetter.objects.get(claim=claim)
    assert letter.kind == "rejected"
    assert letter.number.endswith("/T")
    assert letter.snapshot["rejection_label"] == "Rekening bank bukan atas nama Anda sendiri."
    assert letter.snapshot["rejection_fix"].startswith(
        "Ajukan klaim baru dengan rekening atas nama Anda sendiri"
    )
    assert letter.snapshot["rejection_note"] == "Rekening ayah."
    claim_letter_render(letter_id=letter.pk)
    page = logged_in(claim.user).get(reverse("claims:detail", kwargs={"claim_id": claim.public_id}))
    assert "Unduh surat keputusan penolakan (PDF)" in page.content.decode()


# --- Cancel ---------------------------------------------------------------------------------------


def cancel_url(claim: Any) -> str:
    return reverse("claims:cancel", kwargs={"claim_id": claim.public_id})


@pytest.mark.parametrize("status", [S.SUBMITTED, S.VERIFYING, S.REVISION_REQUESTED, S.RESUBMITTED])
def test_the_claimant_confirms_and_cancels(status: str) -> None:
    claim = claim_in(status)
    client = logged_in(claim.user)
    detail = client.get(reverse("claims:detail", kwargs={"claim_id": claim.public_id})).content.decode()
    assert cancel_url(claim) in detail

    confirm = client.get(cancel_url(claim))
    assert confirm.status_code == 200
    assert "Batalkan klaim JHT?" in confirm.content.decode()
    claim.refresh_from_db()
    assert claim.status == status  # GET changes nothing

    response = client.post(cancel_url(claim))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED
    assert list(ClaimHistory.objects.filter(claim=claim).values_list("from_status", "to_status")) == [
        (status, S.CANCELLED)
    ]


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.APPROVED, S.PAYING, S.PAID, S.REJECTED, S.CANCELLED])
def test_a_claim_under_review_or_finished_cannot_be_cancelled(status: str) -> None:
    claim = claim_in(status)
    client = logged_in(claim.user)
    detail = client.get(reverse("claims:detail", kwargs={"claim_id": claim.public_id})).content.decode()
    assert cancel_url(claim) not in detail
    response = client.post(cancel_url(claim), follow=True)
    assert "tidak dapat dibatalkan lagi" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == status
    assert not ClaimHistory.objects.filter(claim=claim).exists()


def test_another_person_cannot_cancel() -> None:
    claim = claim_in(S.SUBMITTED)
    response = logged_in(UserFactory()).post(cancel_url(claim))
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_cancel_needs_the_csrf_token() -> None:
    claim = claim_in(S.SUBMITTED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(claim.user)
    assert client.post(cancel_url(claim)).status_code == 403
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
