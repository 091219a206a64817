"""Cek kelayakan, Klaim saya and the tracking page (full page and htmx fragment)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimCheck, ClaimHistory, ClaimStatus
from tests.claims.factories import claim_in, resigned_person
from tests.factories import ParticipantFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HX = {"HX-Request": "true"}


@pytest.fixture
def person() -> Any:
    return resigned_person(full_name="Rizky Pratama", balance_idr=60_000_000)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(claim: Claim) -> str:
    return reverse("claims:detail", kwargs={"claim_id": claim.public_id})


def test_eligibility_shows_every_reason_at_once(person: Any) -> None:
    response = logged_in(person.user).get(reverse("claims:eligibility"))
    body = response.content.decode()
    assert response.status_code == 200
    # Eligible: resignation, with the amounts (5 % on the part above Rp50.000.000) and the documents.
    assert 'id="sebab-resign"' in body
    assert "Dapat diajukan" in body
    assert "Rp60.000.000" in body
    assert "Rp500.000" in body
    assert "Rp59.500.000" in body
    assert "Paklaring / surat keterangan berhenti bekerja" in body
    assert "Kartu NPWP" in body  # above Rp50.000.000
    assert f"{reverse('claims:new')}?sebab=resign" in body
    # Not eligible with the rule and what to do: the employer reported a resignation, not a PHK.
    assert "Tidak memenuhi syarat" in body
    assert "Alasan berhenti yang dilaporkan pemberi kerja tidak sama" in body
    assert "Pilih sebab klaim yang sesuai dengan laporan pemberi kerja" in body
    # Not yet, with the date: age 56.
    assert "Belum dapat diajukan" in body
    assert "Dapat diajukan mulai" in body
    assert body.count('class="eligibility ') == 9
    # Reasons that can be used come first, with a green badge; the ones that do not apply are grey.
    outcomes = re.findall(r'class="eligibility eligibility-([a-z_]+)"', body)
    assert outcomes == sorted(outcomes, key=["eligible", "not_yet", "not_eligible"].index)
    assert outcomes[0] == "eligible"
    assert (
        '<span class="badge ds-badge ds-badge-success badge-outcome-eligible">Dapat diajukan</span>' in body
    )
    assert 'ds-badge-neutral badge-outcome-not_eligible">Tidak memenuhi syarat</span>' in body


def test_eligibility_not_yet_shows_the_date_for_a_recent_resignation() -> None:
    person = resigned_person(end_date=dt.date(2026, 2, 20))
    body = logged_in(person.user).get(reverse("claims:eligibility")).content.decode()
    assert "Dapat diajukan mulai Jumat, 20 Maret 2026." in body


def test_eligibility_fragment(person: Any) -> None:
    response = logged_in(person.user).get(reverse("claims:eligibility"), headers=HX)
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="reasons"')


def test_eligibility_without_kpj() -> None:
    body = logged_in(UserFactory()).get(reverse("claims:eligibility")).content.decode()
    assert "Belum ada KPJ yang tertaut" in body


def test_my_claims_lists_own_claims_only(person: Any) -> None:
    mine = claim_in(ClaimStatus.IN_REVIEW, person, net_idr=10_000_000)
    other = claim_in(ClaimStatus.IN_REVIEW)
    client = logged_in(person.user)
    body = client.get(reverse("claims:list")).content.decode()
    assert detail(mine) in body
    assert detail(other) not in body
    assert "Diperiksa petugas" in body
    fragment = client.get(reverse("claims:list"), headers=HX).content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<section id="claims"')


def test_my_claims_empty() -> None:
    user = UserFactory()
    ParticipantFactory(user=user)
    assert "Belum ada klaim." in logged_in(user).get(reverse("claims:list")).content.decode()


def test_tracking_shows_timeline_current_step_checks_and_expected_payment(person: Any) -> None:
    claim = claim_in(ClaimStatus.IN_REVIEW, person, due_date=dt.date(2026, 3, 9))
    for to in ("submitted", "verifying", "in_review"):
        ClaimHistory.objects.create(claim=claim, from_status="draft", to_status=to)
    ClaimCheck.objects.create(claim=claim, code="bank_name", result="warning", message="Nama hampir sama.")
    body = logged_in(person.user).get(detail(claim)).content.decode()
    assert "<strong>Diajukan</strong>" in body
    assert "<strong>Diverifikasi otomatis</strong>" in body
    assert '<li aria-current="step" class="current"><strong>Diperiksa petugas</strong>' in body
    assert "Senin, 2 Maret 2026, 10.00 WIB</time>" in body  # times with WIB
    assert f"Nomor klaim {claim.number}" in body
    assert "Petugas sedang memeriksa klaim Anda" in body
    assert "Paling lambat Senin, 9 Maret 2026." in body
    assert "Nama hampir sama." in body


def test_tracking_fragment(person: Any) -> None:
    claim = claim_in(ClaimStatus.SUBMITTED, person)
    body = logged_in(person.user).get(detail(claim), headers=HX).content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="status"')


def test_rejection_shows_the_reason_and_the_fix(person: Any) -> None:
    claim = claim_in(
        ClaimStatus.REJECTED, person, rejection_code="bank_account_not_own", rejection_note="Cek."
    )
    body = logged_in(person.user).get(detail(claim)).content.decode()
    assert "Rekening bank bukan atas nama Anda sendiri." in body
    assert "Ajukan klaim baru dengan rekening atas nama Anda sendiri, sesuai KTP." in body
    assert "Cek." in body


def test_revision_request_shows_what_to_fix_and_links_to_the_wizard(person: Any) -> None:
    claim = claim_in(
        ClaimStatus.REVISION_REQUESTED, person, revision_items=["bank_book"], revision_note="Foto buram."
    )
    body = logged_in(person.user).get(detail(claim)).content.decode()
    assert "Yang perlu Anda perbaiki" in body
    assert "<li>Buku tabungan</li>" in body
    assert "Foto buram." in body
    assert reverse("claims:step_reason", kwargs={"claim_id": claim.public_id}) in body


def test_a_revised_claim_is_resubmitted_from_the_review_step(person: Any) -> None:
    from tests.claims.factories import pdf

    claim = claim_in(ClaimStatus.REVISION_REQUESTED, person, revision_items=["ktp"], revision_note="Buram.")
    client = logged_in(person.user)
    for doc in ("ktp", "kk", "paklaring", "bank_book"):
        client.post(
            reverse("claims:step_documents", kwargs={"claim_id": claim.public_id}),
            {"doc_type": doc, "file": pdf()},
        )
    client.post(
        reverse("claims:step_bank", kwargs={"claim_id": claim.public_id}),
        {
            "bank_code": "014",
            "bank_account_number": "1234567890",
            "bank_account_name": "Rizky Pratama",
            "npwp": "012345678901234",
        },
    )
    client.post(
        reverse("claims:step_documents", kwargs={"claim_id": claim.public_id}),
        {"doc_type": "npwp", "file": pdf()},
    )
    response = client.post(reverse("claims:step_review", kwargs={"claim_id": claim.public_id}))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESUBMITTED


def test_dashboard_and_home_link_to_the_claim_pages(person: Any) -> None:
    client = logged_in(person.user)
    dashboard = client.get(reverse("participants:dashboard")).content.decode()
    assert f'href="{reverse("claims:eligibility")}"' in dashboard
    assert f'href="{reverse("claims:list")}"' in dashboard
    home = Client().get(reverse("home")).content.decode()
    assert f'href="{reverse("claims:eligibility")}"' in home
