"""The claimant's wizard: every step as a full page and as an htmx fragment, bad input, submitting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimDocument, ClaimStatus
from tests.claims.factories import ready_draft, resigned_person
from tests.portal import test_uploads_corpus as corpus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HX = {"HX-Request": "true"}


def stored_files() -> list[Path]:
    location = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return sorted(p for p in location.rglob("*") if p.is_file())


@pytest.fixture
def person() -> Any:
    return resigned_person(full_name="Rizky Pratama", balance_idr=10_000_000)


@pytest.fixture
def client_of(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def draft(person: Any) -> Claim:
    from claims.services import claim_start_draft

    return claim_start_draft(user=person.user, reason="resign")


def url(name: str, claim: Claim) -> str:
    return reverse(name, kwargs={"claim_id": claim.public_id})


def test_choosing_a_reason_creates_the_draft_and_goes_to_personal_data(
    client_of: Client, person: Any
) -> None:
    response = client_of.post(reverse("claims:new"), {"reason": "resign"})
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.DRAFT
    assert claim.reason == "resign"
    assert response.status_code == 302
    assert response["Location"] == url("claims:step_personal", claim)
    # Choosing again reuses the same draft (the claimant can leave and come back).
    client_of.post(reverse("claims:new"), {"reason": "phk"})
    assert Claim.objects.get().reason == "phk"


def test_unknown_reason_is_refused_with_a_message_and_nothing_created(client_of: Client) -> None:
    response = client_of.post(reverse("claims:new"), {"reason": "lottery"})
    assert response.status_code == 200
    assert "Sebab klaim tidak dikenal" in response.content.decode()
    assert Claim.objects.count() == 0


def test_reason_step_full_page_and_fragment(client_of: Client, draft: Claim) -> None:
    full = client_of.get(url("claims:step_reason", draft)).content.decode()
    assert "<html" in full
    assert 'id="wizard"' in full
    response = client_of.get(url("claims:step_reason", draft), headers=HX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<section id="wizard"')
    assert response["HX-Push-Url"] == url("claims:step_reason", draft)
    assert 'hx-disable-elt="find button"' in fragment


def test_personal_data_shows_masked_nik_name_birth_date_and_every_kpj(client_of: Client, person: Any) -> None:
    person = resigned_person(full_name="Sari Dewi", balance_idr=4_000_000, extra_kpj_balances=(1_500_000,))
    client = Client()
    client.force_login(person.user)
    client.post(reverse("claims:new"), {"reason": "resign"})
    claim = Claim.objects.get(nik_index=person.nik_index)
    body = client.get(url("claims:step_personal", claim)).content.decode()
    assert "Sari Dewi" in body
    assert person.nik not in body
    assert person.nik[-4:] in body  # masked: only the last digits remain
    assert person.kpj in body
    assert "Rp4.000.000" in body
    assert "Rp1.500.000" in body
    assert "Rp5.500.000" in body


def test_documents_step_lists_what_the_reason_needs(client_of: Client, draft: Claim) -> None:
    body = client_of.get(url("claims:step_documents", draft)).content.decode()
    for label in ("KTP", "Kartu Keluarga", "Paklaring", "Buku tabungan"):
        assert label in body
    assert "Bukti PHK" not in body


def test_upload_is_sanitised_and_stored(client_of: Client, draft: Claim) -> None:
    jpeg = corpus.jpeg_with_gps()
    response = client_of.post(
        url("claims:step_documents", draft),
        {"doc_type": "ktp", "file": SimpleUploadedFile("ktp.jpg", jpeg, content_type="image/jpeg")},
    )
    assert response.status_code == 302
    (doc,) = ClaimDocument.objects.filter(claim=draft)
    assert doc.doc_type == "ktp"
    assert doc.content_type == "image/jpeg"
    stored = doc.file.read()
    assert stored != jpeg  # re-encoded
    assert b"GPS" not in stored
    assert b"Exif" not in stored
    assert len(stored_files()) == 1


def test_uploading_a_document_again_replaces_the_stored_file(
    client_of: Client, draft: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    def upload_ktp() -> ClaimDocument:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_of.post(
                url("claims:step_documents", draft),
                {"doc_type": "ktp", "file": SimpleUploadedFile("ktp.pdf", corpus.pdf())},
            )
        assert response.status_code == 302
        return ClaimDocument.objects.get(claim=draft, doc_type="ktp")

    first = upload_ktp()
    second = upload_ktp()

    assert second.pk != first.pk
    assert [path.name for path in stored_files()] == [Path(second.file.name or "").name]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("gambar.svg", corpus.SVG, "", id="svg"),
        pytest.param("js.pdf", corpus.pdf(javascript=True), "", id="pdf-javascript"),
        pytest.param("kosong.pdf", b"", "kosong", id="empty"),
        pytest.param(
            "e-statement.pdf",
            corpus.encrypted_pdf(user_password="01011990"),
            "simpan ulang tanpa kata sandi (cetak → simpan sebagai pdf)",
            id="pdf-with-password",
        ),
    ],
)
def test_refused_upload_shows_an_error_and_stores_nothing(
    client_of: Client, draft: Claim, name: str, data: bytes, message: str
) -> None:
    for headers in ({}, HX):
        response = client_of.post(
            url("claims:step_documents", draft),
            {"doc_type": "kk", "file": SimpleUploadedFile(name, data)},
            headers=headers,
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert 'class="form-error"' in body
        assert message in body.lower()
    assert ClaimDocument.objects.count() == 0
    assert stored_files() == []


def test_unknown_document_type_is_refused(client_of: Client, draft: Claim) -> None:
    response = client_of.post(
        url("claims:step_documents", draft),
        {"doc_type": "selfie", "file": SimpleUploadedFile("a.pdf", corpus.pdf())},
    )
    assert response.status_code == 200
    assert "Jenis dokumen tidak dikenal" in response.content.decode()
    assert ClaimDocument.objects.count() == 0
    assert stored_files() == []


def test_bank_step_saves_the_account(client_of: Client, draft: Claim) -> None:
    response = client_of.post(
        url("claims:step_bank", draft),
        {"bank_code": "014", "bank_account_number": "123-456 7890", "bank_account_name": "Rizky Pratama"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("claims:step_review", draft)
    draft.refresh_from_db()
    assert (draft.bank_code, draft.bank_account_number, draft.bank_account_name) == (
        "014",
        "1234567890",
        "Rizky Pratama",
    )


@pytest.mark.parametrize("number", ["12ab5678", "123", "1" * 21])
def test_invalid_bank_account_number_is_refused(client_of: Client, draft: Claim, number: str) -> None:
    response = client_of.post(
        url("claims:step_bank", draft),
        {"bank_code": "014", "bank_account_number": number, "bank_account_name": "Rizky Pratama"},
    )
    assert response.status_code == 200
    assert "Nomor rekening harus 6 sampai 20 digit angka." in response.content.decode()
    draft.refresh_from_db()
    assert draft.bank_account_number == ""


def test_bank_not_in_the_list_is_refused(client_of: Client, draft: Claim) -> None:
    response = client_of.post(
        url("claims:step_bank", draft),
        {"bank_code": "999", "bank_account_number": "1234567890", "bank_account_name": "Rizky Pratama"},
    )
    assert "Pilih bank dari daftar." in response.content.decode()
    draft.refresh_from_db()
    assert draft.bank_code == ""


def test_review_shows_amounts_expected_date_and_checklist(client_of: Client, person: Any) -> None:
    claim = ready_draft(person)
    body = client_of.get(url("claims:step_review", claim)).content.decode()
    assert "Rp10.000.000" in body
    assert "Perkiraan tanggal pembayaran" in body
    assert "Senin, 9 Maret 2026" in body  # 5 working days after Monday 2 March 2026
    assert "Semua dokumen wajib sudah diunggah." in body
    assert "Nama pemilik rekening sama dengan nama peserta." in body
    assert 'class="check check-pass"' in body


def test_review_shows_fixable_failures(client_of: Client, draft: Claim) -> None:
    body = client_of.get(url("claims:step_review", draft)).content.decode()
    assert 'class="check check-fail"' in body
    assert "Dokumen belum diunggah: KTP, Kartu Keluarga" in body


def test_submitting_twice_gives_one_submitted_claim(client_of: Client, person: Any) -> None:
    claim = ready_draft(person)
    first = client_of.post(url("claims:step_review", claim))
    second = client_of.post(url("claims:step_review", claim))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("claims:detail", claim)
    assert Claim.objects.count() == 1
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert list(claim.history.values_list("to_status", flat=True)) == ["submitted"]


def test_htmx_submit_redirects_the_whole_page(client_of: Client, person: Any) -> None:
    claim = ready_draft(person)
    response = client_of.post(url("claims:step_review", claim), headers=HX)
    assert response["HX-Redirect"] == url("claims:detail", claim)


def test_submit_refused_shows_the_reason_and_changes_nothing(client_of: Client, draft: Claim) -> None:
    response = client_of.post(url("claims:step_review", draft))
    assert response.status_code == 200
    assert "Lengkapi data rekening bank" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.DRAFT


def test_wizard_steps_of_a_submitted_claim_lead_to_tracking(client_of: Client, person: Any) -> None:
    claim = ready_draft(person)
    client_of.post(url("claims:step_review", claim))
    for name in ("claims:step_reason", "claims:step_personal", "claims:step_documents", "claims:step_bank"):
        response = client_of.get(url(name, claim))
        assert response.status_code == 302
        assert response["Location"] == url("claims:detail", claim)


def test_a_second_claim_is_blocked_at_the_start_with_a_link_to_the_open_one(
    client_of: Client, person: Any
) -> None:
    claim = ready_draft(person)
    client_of.post(url("claims:step_review", claim))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED

    for response in (
        client_of.get(reverse("claims:new")),
        client_of.post(reverse("claims:new"), {"reason": "phk"}),
    ):
        body = response.content.decode()
        assert response.status_code == 200
        assert "Anda masih memiliki klaim JHT yang sedang diproses." in body
        assert f'href="{url("claims:detail", claim)}">Lihat klaim yang sedang diproses</a>' in body
        assert claim.number in body
        assert 'name="reason"' not in body  # no form to start another
    assert Claim.objects.count() == 1


def test_wizard_marks_the_current_step_and_the_done_ones(client_of: Client, draft: Claim) -> None:
    body = client_of.get(url("claims:step_documents", draft)).content.decode()
    stepper = body.split('<ol class="ds-stepper wizard-steps">', 1)[1].split("</ol>", 1)[0]
    assert stepper.count('class="is-done"') == 2
    assert stepper.count('aria-current="step"') == 1
    assert 'aria-current="step" class="current"><a href="' + url("claims:step_documents", draft) in stepper
