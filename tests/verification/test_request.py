"""The person's request: two steps, stored either way with the match and the answers for staff, the same
answer for the visitor whether or not the identity matched, nothing saved on invalid input."""

from __future__ import annotations

import random
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from notifications.models import Outbox
from participants.models import Employer, Participant
from tests.verification.conftest import (
    DETAILS_URL,
    KPJ,
    LAST_EMPLOYER,
    NIK,
    START_URL,
    details,
    identity,
    photo,
    stored_files,
    submit,
)
from verification.models import ConsentPurpose, VerificationConsent, VerificationRequest, VerificationStatus
from verification.questions import NO_EMPLOYER, employer_options

pytestmark = pytest.mark.django_db


def test_a_matching_request_is_stored_with_answers_consent_and_a_notice(
    client: Client, participant: Participant, private_storage: Path
) -> None:
    response = submit(client, consent_face_match="on")
    assert response.status_code == 302
    assert response["Location"] == "/akun/verifikasi/diterima/"
    item = VerificationRequest.objects.get()
    assert (item.participant, item.branch, item.kpj) == (participant, participant.branch, KPJ)
    assert item.identity_matched is True
    assert (item.employer_correct, item.first_year_correct, item.answers_correct) == (True, True, 2)
    assert (item.email, item.phone) == ("pemilik.baru@contoh.id", "6281234567890")
    assert item.status == VerificationStatus.SUBMITTED
    assert stored_files(private_storage) == sorted([item.ktp_image, item.selfie_image])
    assert {(c.purpose, c.text_version) for c in item.consents.all()} == {
        (ConsentPurpose.IDENTITY_CHECK, "identitas-v1"),
        (ConsentPurpose.FACE_MATCH, "wajah-v1"),
    }
    notices = Outbox.objects.filter(event="verification_received").order_by("channel")
    assert [(n.channel, n.recipient) for n in notices] == [
        ("email", "pemilik.baru@contoh.id"),
        ("sms", "6281234567890"),
    ]
    assert "/akun/verifikasi/status/" in notices[0].body
    # The record's contacts are untouched until staff approve.
    participant.refresh_from_db()
    assert (participant.email, participant.phone, participant.user_id) == ("", "", None)
    assert NIK not in client.session.get("verification_identity", {}).values()


def test_wrong_answers_are_stored_as_wrong(client: Client, participant: Participant) -> None:
    response = submit(client, last_employer=NO_EMPLOYER, first_year="2019")
    assert response.status_code == 302
    item = VerificationRequest.objects.get()
    assert (item.identity_matched, item.employer_correct, item.first_year_correct, item.answers_correct) == (
        True,
        False,
        False,
        0,
    )
    assert (item.employer_answer, item.first_year_answer) == (NO_EMPLOYER, "2019")


def _received_page(client: Client, response: Any) -> str:
    """The page after the redirect, without what differs on every response (nonces, CSRF tokens)."""
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    return re.sub(r"[A-Za-z0-9]{64}", "", re.sub(r'(nonce|value|content)="[^"]*"', r'\1=""', page))


def test_a_non_matching_identity_gets_the_same_answer_and_is_stored_for_staff(
    participant: Participant,
) -> None:
    right, wrong_nik, unknown_kpj = Client(), Client(), Client()
    right_page = _received_page(right, submit(right))
    wrong_nik_page = _received_page(
        wrong_nik, submit(wrong_nik, ident=identity(nik=NIK[:-4] + "9999"), email="penyerang@contoh.id")
    )
    unknown_page = _received_page(
        unknown_kpj, submit(unknown_kpj, ident=identity(kpj="23019999999"), email="lain@contoh.id")
    )
    assert right_page == wrong_nik_page == unknown_page
    rows = {r.email: r for r in VerificationRequest.objects.all()}
    assert rows["pemilik.baru@contoh.id"].identity_matched is True
    assert (rows["penyerang@contoh.id"].identity_matched, rows["penyerang@contoh.id"].participant) == (
        False,
        participant,
    )
    assert (rows["lain@contoh.id"].identity_matched, rows["lain@contoh.id"].participant) == (False, None)
    assert rows["lain@contoh.id"].branch is None
    # Everyone gets the same "received" notice.
    assert sorted(Outbox.objects.filter(channel="email").values_list("event", "recipient")) == [
        ("verification_received", "lain@contoh.id"),
        ("verification_received", "pemilik.baru@contoh.id"),
        ("verification_received", "penyerang@contoh.id"),
    ]


def test_the_employer_options_depend_on_the_kpj_only_and_never_change(
    client: Client, participant: Participant
) -> None:
    options = employer_options(kpj=KPJ, participant=participant)
    assert len(options) == 4
    assert LAST_EMPLOYER in options
    assert employer_options(kpj=KPJ, participant=participant) == options
    client.post(START_URL, identity(nik=NIK[:-4] + "9999"))  # a wrong NIK shows the same options
    page = client.get(DETAILS_URL).content.decode()
    assert [name for name in options if name in page] == options
    unknown = employer_options(kpj="23019999999", participant=None)
    # An unknown KPJ gets four decoys from the same pool (any employer, the same on every visit).
    assert len(set(unknown)) == 4
    assert set(unknown) <= set(Employer.objects.values_list("name", flat=True))
    assert employer_options(kpj="23019999999", participant=None) == unknown


def _nothing_saved(private_storage: Path) -> None:
    assert VerificationRequest.objects.count() == 0
    assert VerificationConsent.objects.count() == 0
    assert Outbox.objects.count() == 0
    assert stored_files(private_storage) == []


def test_missing_consent_saves_nothing(
    client: Client, participant: Participant, private_storage: Path
) -> None:
    response = submit(client, consent_identity=None)
    assert response.status_code == 400
    assert "Persetujuan ini wajib agar kami dapat memeriksa identitas Anda." in response.content.decode()
    _nothing_saved(private_storage)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("bukan.jpg", b"bukan gambar sama sekali", "image/jpeg"),
        SimpleUploadedFile("ktp.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    ],
    ids=["not-an-image", "broken-pdf"],
)
def test_a_file_that_is_not_a_photo_saves_nothing(
    client: Client, participant: Participant, private_storage: Path, upload: Any
) -> None:
    response = submit(client, ktp=upload)
    assert response.status_code == 400
    assert 'id="id_ktp_error"' in response.content.decode()
    _nothing_saved(private_storage)


def test_a_pdf_is_refused_as_a_photo(client: Client, participant: Participant, private_storage: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = BytesIO()
    pdf.save(out)
    upload = SimpleUploadedFile("ktp.pdf", out.getvalue(), "application/pdf")
    response = submit(client, ktp=upload)
    assert response.status_code == 400
    assert "Unggah foto berformat JPG atau PNG, bukan PDF." in response.content.decode()
    _nothing_saved(private_storage)


def test_a_photo_over_the_size_limit_saves_nothing(
    client: Client, participant: Participant, private_storage: Path, settings: Any
) -> None:
    settings.VERIFICATION_PHOTO_MAX_BYTES = 1024 * 1024
    noise = random.Random(1).randbytes(1024 * 1024)
    big = SimpleUploadedFile("besar.jpg", photo().read() + noise, "image/jpeg")
    response = submit(client, selfie=big)
    assert response.status_code == 400
    assert "Ukuran berkas melebihi 1 MB." in response.content.decode()
    _nothing_saved(private_storage)


def test_step_two_without_step_one_goes_back_to_the_start(client: Client, participant: Participant) -> None:
    response = client.post(DETAILS_URL, details())
    assert response.status_code == 302
    assert response["Location"] == START_URL
    assert VerificationRequest.objects.count() == 0


def test_a_stranger_cannot_use_up_the_owners_quota(
    client: Client, participant: Participant, settings: Any
) -> None:
    """Per (KPJ, client): attempts from elsewhere do not count against the owner's browser, until the
    high ceiling per KPJ."""
    settings.VERIFICATION_RATE_PER_KPJ = 2
    settings.VERIFICATION_RATE_PER_KPJ_CEILING = 4
    stranger = Client(REMOTE_ADDR="10.0.0.66")
    for n in range(3):
        response = stranger.post(START_URL, identity(nik=NIK[:-4] + f"{n:04d}"))
    assert response.status_code == 200  # the stranger's third attempt is over their limit
    assert "Terlalu banyak permintaan verifikasi. Silakan coba lagi besok." in response.content.decode()
    assert client.post(START_URL, identity()).status_code == 302  # the owner's browser still may
    assert Client(REMOTE_ADDR="10.0.0.67").post(START_URL, identity()).status_code == 200  # the ceiling


def test_requests_are_limited_per_client(client: Client, participant: Participant, settings: Any) -> None:
    settings.VERIFICATION_RATE_PER_IP = 1
    assert client.post(START_URL, identity(kpj="23019999998")).status_code == 302
    response = client.post(START_URL, identity())
    assert response.status_code == 200
    assert "Terlalu banyak permintaan verifikasi" in response.content.decode()


def test_a_signed_in_person_is_sent_to_their_dashboard(owner_client: Client) -> None:
    response = owner_client.get(START_URL)
    assert response.status_code == 302
