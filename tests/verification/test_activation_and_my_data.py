"""After approval: the single-use link to the given email, a password, the account (created by
accounts.services.account_create_for_participant), /peserta/ with the balance. Then "Data saya": the
person's own data on screen (NIK masked) and as JSON (NIK included), nobody else's."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from notifications.models import Outbox
from participants.ledger.models import JhtBalance
from participants.models import Participant, User
from portal.money import format_rupiah
from tests.factories import ParticipantFactory, UserFactory, post_contribution
from tests.verification.conftest import NIK, make_request, staff_with_role
from verification.exports import personal_data_export_render, personal_data_exports_sweep
from verification.models import PersonalDataExport, VerificationRequest
from verification.review import verification_approve, verification_record_call, verification_schedule_call

pytestmark = pytest.mark.django_db

PASSWORD = "Sandi-Baru-Verifikasi-2026!"


def approved(branch: Any, **request_options: Any) -> tuple[VerificationRequest, str]:
    """An approved request and the activation link path from its notice."""
    item = make_request(**request_options)
    petugas = staff_with_role("reviewer", branch)
    verification_schedule_call(
        actor=petugas,
        request_id=item.pk,
        at=timezone.now() + dt.timedelta(hours=2),
        link="https://meet.contoh.id/x",
    )
    verification_record_call(actor=petugas, request_id=item.pk, note="cocok")
    verification_approve(actor=petugas, request_id=item.pk)
    notice = Outbox.objects.get(event="verification_activation")
    assert (notice.channel, notice.recipient, notice.sensitive) == ("email", item.email, True)
    match = re.search(r"https?://[^/\s]+(/akun/verifikasi/aktifkan/[^/\s]+/)", notice.body)
    assert match is not None, notice.body
    return item, match.group(1)


def test_the_link_sets_a_password_and_lands_on_the_dashboard_with_the_balance(
    participant: Participant, branch: Any
) -> None:
    item, link = approved(branch)
    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    assert "pemilik.baru@contoh.id" in page.content.decode()
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/peserta/"
    user = User.objects.get(email="pemilik.baru@contoh.id")
    participant.refresh_from_db()
    assert participant.user == user
    assert EmailAddress.objects.get(user=user).verified is True
    assert user.check_password(PASSWORD)
    balance = JhtBalance.objects.get(account=participant).balance_idr
    assert balance > 0
    dashboard = client.get("/peserta/").content.decode()
    assert format_rupiah(balance) in dashboard
    item.refresh_from_db()
    assert (item.activated_at is not None, item.activation_token_hash) == (True, "")
    # Single use.
    again = Client().get(link)
    assert again.status_code == 404
    assert "Tautan tidak berlaku" in again.content.decode()


def test_a_wrong_or_expired_link_creates_nothing(
    participant: Participant, branch: Any, settings: Any
) -> None:
    _item, link = approved(branch)
    assert (
        Client().post(link[:-5] + "xxxx/", {"password1": PASSWORD, "password2": PASSWORD}).status_code == 404
    )
    later = timezone.now() + dt.timedelta(days=settings.VERIFICATION_ACTIVATION_DAYS, minutes=1)
    with time_machine.travel(later):
        assert Client().post(link, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 404
    participant.refresh_from_db()
    assert participant.user_id is None
    assert not User.objects.filter(email="pemilik.baru@contoh.id").exists()


def test_mismatched_passwords_create_nothing(participant: Participant, branch: Any) -> None:
    _item, link = approved(branch)
    response = Client().post(link, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 200
    assert "Kedua kata sandi tidak sama." in response.content.decode()
    participant.refresh_from_db()
    assert participant.user_id is None


def test_an_email_with_an_account_gets_the_kpj_linked_and_signs_in_as_before(
    participant: Participant, branch: Any
) -> None:
    existing: Any = UserFactory(email="pemilik.baru@contoh.id")
    old_password = existing.password
    _item, link = approved(branch)
    client = Client()
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == "/akun/login/"
    participant.refresh_from_db()
    existing.refresh_from_db()
    assert participant.user == existing
    assert existing.password == old_password
    assert "_auth_user_id" not in client.session


# --- Data saya -------------------------------------------------------------------------------------


@pytest.fixture
def activated(participant: Participant, branch: Any) -> tuple[Client, Participant]:
    _item, link = approved(branch)
    client = Client()
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    participant.refresh_from_db()
    return client, participant


def test_my_data_masks_the_nik_on_screen(activated: tuple[Client, Participant]) -> None:
    client, participant = activated
    page = client.get("/akun/data-saya/").content.decode()
    assert NIK not in page
    assert f"{NIK[:4]}********{NIK[-4:]}" in page
    for part in (
        "PT Terakhir Sejahtera",
        participant.kpj,
        "Verifikasi identitas dan persetujuan",
        "identitas-v1",
    ):
        assert part in page
    assert 'id="data-notices"' in page


def test_my_data_json_is_the_persons_own_data(activated: tuple[Client, Participant]) -> None:
    client, participant = activated
    ParticipantFactory(kpj="23010000099", user=UserFactory())  # someone else
    response = client.get("/akun/data-saya/unduh.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="data-saya-')
    data = json.loads(response.content)
    person = data["sections"]["participants"]
    assert [row["kpj"] for row in person["rows"]] == [participant.kpj]
    assert person["rows"][0]["nik"] == NIK
    assert person["rows"][0]["contribution_months"] == 2
    assert person["rows"][0]["first_contribution_month"] == "2016-03-01"
    assert person["summary"]["email"] == "pemilik.baru@contoh.id"
    (request,) = data["sections"]["verification_requests"]["rows"]
    assert [c["text_version"] for c in request["consents"]] == ["identitas-v1"]
    # The sign-in after activation was notified; the verification notices went to an address, not an account.
    assert [row["event"] for row in data["sections"]["notices"]["rows"]] == ["security_new_login"]


def test_my_data_needs_a_login() -> None:
    response = Client().get("/akun/data-saya/unduh.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")


def test_my_data_page_has_a_fixed_query_budget(
    activated: tuple[Client, Participant], django_assert_max_num_queries: Any
) -> None:
    """The page's queries do not grow with the person's history (one grouped query per kind)."""
    client, participant = activated
    for month in range(1, 13):
        post_contribution(participant, period=dt.date(2021, month, 1), wage_idr=5_000_000)
    with django_assert_max_num_queries(12):
        response = client.get("/akun/data-saya/")
    assert response.status_code == 200


def test_my_data_pdf_is_rendered_by_a_worker_and_only_for_its_owner(
    activated: tuple[Client, Participant], private_storage: Any
) -> None:
    client, _participant = activated
    response = client.post("/akun/data-saya/pdf/")
    export = PersonalDataExport.objects.get()
    assert response["Location"] == f"/akun/data-saya/pdf/{export.pk}/"
    assert client.post("/akun/data-saya/pdf/")["Location"] == response["Location"]  # one at a time
    pending = client.get(response["Location"])
    assert 'id="pdf-pending"' in pending.content.decode()
    assert personal_data_export_render(export_id=str(export.pk)) is True  # what the task runs
    assert personal_data_export_render(export_id=str(export.pk)) is False  # safe to run twice
    ready = client.get(response["Location"])
    assert ready["Content-Type"] == "application/pdf"
    assert b"".join(ready.streaming_content).startswith(b"%PDF-")
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(response["Location"]).status_code == 404
    # Deleted with its file after a day.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert personal_data_exports_sweep() == ([], 1)
    assert not PersonalDataExport.objects.exists()


def test_assisted_activation_is_a_security_event_and_sends_the_next_claim_to_interview(
    participant: Participant, branch: Any
) -> None:
    from accounts.models import SecurityEvent
    from accounts.security_events import claim_needs_interview
    from participants.models import ContactSource

    _item, link = approved(branch)
    participant.refresh_from_db()
    assert participant.contact_source == ContactSource.BRANCH
    assert not claim_needs_interview(nik_index=participant.nik_index)
    Client().post(link, {"password1": PASSWORD, "password2": PASSWORD})
    events = SecurityEvent.objects.filter(participant=participant)
    assert list(events.values_list("kind", flat=True)) == ["assisted_activation"]
    assert claim_needs_interview(nik_index=participant.nik_index)
    assert Outbox.objects.filter(event="security_event", recipient="pemilik.baru@contoh.id").count() == 1
