from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from participants.card.models import MembershipCard
from participants.card.tokens import card_token
from participants.models import MembershipStatus, StatusReason
from participants.statements.models import DocumentStatus
from participants.tasks import render_card
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpj(owner: Any) -> Any:
    return ParticipantFactory(user=owner, kpj="14141414141", full_name="Budi Santoso")


def card_url(p: Any, name: str = "card") -> str:
    return reverse(f"participants:{name}", kwargs={"public_id": p.public_id})


def verify_url(code: str) -> str:
    return reverse("participants:card_verify", kwargs={"token": card_token(code)})


def test_card_page_shows_card_and_qr_to_signed_url(owner_client: Client, kpj: Any) -> None:
    response = owner_client.get(card_url(kpj))
    body = response.content.decode()
    card = MembershipCard.objects.get(participant=kpj)
    assert response.status_code == 200
    assert '<dd class="kpj-number">14141414141</dd>' in body
    assert '<svg width="' in body
    assert 'class="segno"' in body
    assert kpj.nik not in body
    assert f"{kpj.nik[:4]}********{kpj.nik[-4:]}" in body
    assert " style=" not in body  # CSP: no inline styles
    # The verification URL carries neither the KPJ, the NIK nor any id in clear.
    token = card_token(card.verification_code)
    assert token.split(":")[0] not in (kpj.kpj, str(kpj.public_id))
    assert "14141414141" not in token
    assert str(kpj.pk) != token
    owner_client.get(card_url(kpj))
    assert MembershipCard.objects.count() == 1  # issued once


def test_verification_valid_shows_only_masked_name_and_status(client: Client, kpj: Any) -> None:
    card = MembershipCard.objects.create(participant=kpj, verification_code="code-1")
    response = client.get(verify_url(card.verification_code))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kartu valid" in body
    assert "<dd>Bu** Sa*****</dd>" in body
    assert "Aktif" in body
    assert "Budi Santoso" not in body
    assert "14141414141" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_verification_tampered_or_unknown_token_is_404_tidak_valid(client: Client, kpj: Any) -> None:
    MembershipCard.objects.create(participant=kpj, verification_code="code-2")
    token = card_token("code-2")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, card_token("no-such-code"), "garbage"):
        response = client.get(reverse("participants:card_verify", kwargs={"token": bad}))
        assert response.status_code == 404
        assert "Kartu tidak valid" in response.content.decode()
        assert "Bu** Sa*****" not in response.content.decode()


def test_verification_shows_the_current_status(client: Client, kpj: Any) -> None:
    MembershipCard.objects.create(participant=kpj, verification_code="code-3")
    kpj.status = MembershipStatus.NONAKTIF
    kpj.status_reason = StatusReason.EXIT_REPORTED
    kpj.save()
    body = client.get(verify_url("code-3")).content.decode()
    assert "Kartu valid" in body
    assert '<span class="badge badge-nonaktif">Nonaktif</span>' in body


def test_verification_masks_the_name_like_the_receipt_page(client: Client, owner: Any) -> None:
    # One rule for every public page (portal.masking.mask_name); the receipt page asserts the same form.
    kpj = ParticipantFactory(user=owner, full_name="Siti Nur Al")
    MembershipCard.objects.create(participant=kpj, verification_code="code-4")
    assert "<dd>Si** Nu* A*</dd>" in client.get(verify_url("code-4")).content.decode()


def test_card_pdf_request_render_download(owner: Any, owner_client: Client, kpj: Any) -> None:
    response = owner_client.post(card_url(kpj, "card_pdf"))
    assert response.status_code == 302
    card = MembershipCard.objects.get(participant=kpj)
    assert card.pdf_status == DocumentStatus.REQUESTED
    assert card.pdf_data["verification_url"].startswith("http://testserver/peserta/kartu/verifikasi/")
    owner_client.post(card_url(kpj, "card_pdf"))  # again while in progress: nothing new

    htmx = Client(headers={"HX-Request": "true"})
    htmx.force_login(owner)
    polling = htmx.get(card_url(kpj, "card_pdf"))
    assert polling.status_code == 200
    assert 'hx-trigger="every 2s"' in polling.content.decode()

    render_card(card.pk)
    render_card(card.pk)  # safe twice
    card.refresh_from_db()
    assert card.pdf_status == DocumentStatus.READY
    done = htmx.get(card_url(kpj, "card_pdf"))
    assert done.status_code == 286
    assert card_url(kpj, "card_pdf_download") in done.content.decode()
    download = owner_client.get(card_url(kpj, "card_pdf_download"))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download.headers["Content-Disposition"] == 'attachment; filename="kartu-digital-14141414141.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    # Unchanged card: asking again keeps the ready PDF.
    owner_client.post(card_url(kpj, "card_pdf"))
    card.refresh_from_db()
    assert card.pdf_status == DocumentStatus.READY


def test_card_pdf_download_before_ready_is_404(owner_client: Client, kpj: Any) -> None:
    assert owner_client.get(card_url(kpj, "card_pdf_download")).status_code == 404


@pytest.mark.parametrize("name", ["card", "card_pdf", "card_pdf_download"])
def test_other_participant_staff_anonymous(client: Client, staff_user: Any, kpj: Any, name: str) -> None:
    stranger = UserFactory()
    ParticipantFactory(user=stranger)
    for user in (stranger, staff_user):
        other = Client()
        other.force_login(user)
        response = other.get(card_url(kpj, name))
        assert response.status_code == 404
        assert b"14141414141" not in response.content
        assert other.post(card_url(kpj, "card_pdf")).status_code == 404
    assert client.get(card_url(kpj, name)).status_code == 302
    assert not MembershipCard.objects.exists()


def test_card_htmx_fragment(owner: Any, kpj: Any) -> None:
    htmx = Client(headers={"HX-Request": "true"})
    htmx.force_login(owner)
    body = htmx.get(card_url(kpj)).content.decode()
    assert body.lstrip().startswith('<div id="card-pdf-status"')
    assert "<html" not in body
