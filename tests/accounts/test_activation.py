import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import PendingActivation
from participants.models import Participant, User
from tests.accounts.conftest import (
    ACTIVATION_PASSWORD,
    code_from_outbox,
    dashboard_url,
    start_activation,
)
from tests.factories import TEST_PASSWORD, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

GENERIC = "Data tidak dapat kami cocokkan dengan peserta yang belum punya akun online."
CODE_URL = "/akun/aktivasi/kode/"


def test_activation_form_has_the_public_field_names_and_csrf(client: Client) -> None:
    response = client.get("/akun/aktivasi/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("nik", "kpj", "birth_date", "email", "password1", "password2"):
        assert f'name="{name}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_nik">' in html


@pytest.mark.parametrize("birth_date", ["1990-05-17", "17-05-1990"])
def test_activation_happy_path_creates_links_and_logs_in(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any], birth_date: str
) -> None:
    response = start_activation(client, nik, birth_date=birth_date)
    assert response.status_code == 302
    assert response.url == CODE_URL
    assert len(mailoutbox) == 1
    # The code goes to the email on record, not to the address typed in the form.
    assert mailoutbox[0].to == ["kpj12345678901@contoh.id"]
    assert nik not in mailoutbox[0].body
    assert User.objects.count() == 0

    response = client.post(CODE_URL, {"code": code_from_outbox()})
    assert response.status_code == 302
    assert response.url == dashboard_url()
    user = User.objects.get()
    assert user.email == "budi@contoh.id"
    assert user.check_password(ACTIVATION_PASSWORD)
    participant.refresh_from_db()
    assert participant.user_id == user.pk
    assert client.session["_auth_user_id"] == str(user.pk)
    # The typed address became the login, but the code proved the record's address, not this one.
    assert user.emailaddress_set.get().verified is False


def test_typed_email_equal_to_the_record_is_verified_by_the_code(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    start_activation(client, nik, email="KPJ12345678901@contoh.id")
    assert mailoutbox[0].to == ["kpj12345678901@contoh.id"]
    assert client.post(CODE_URL, {"code": code_from_outbox()}).status_code == 302
    assert User.objects.get().emailaddress_set.get().verified is True


def test_pending_activation_stores_only_hashes(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    start_activation(client, nik)
    pending = PendingActivation.objects.get()
    code = code_from_outbox()
    assert code not in pending.code_hash
    assert ACTIVATION_PASSWORD not in pending.password_hash
    assert pending.password_hash.startswith("md5$")  # the test hasher; Argon2 in production
    assert pending.attempts == 0


@pytest.mark.parametrize(
    "override",
    [
        {"nik": "3171011705909999"},
        {"kpj": "12345678999"},
        {"birth_date": "1990-05-18"},
    ],
)
def test_wrong_combination_gets_one_generic_message_and_creates_nothing(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any], override: dict[str, str]
) -> None:
    response = start_activation(client, nik, **override)
    assert response.status_code == 200
    html = response.content.decode()
    assert GENERIC in html
    assert mailoutbox == []
    assert PendingActivation.objects.count() == 0
    assert User.objects.count() == 0
    assert CODE_URL not in response.get("Location", "")


def test_already_linked_kpj_gets_the_same_generic_message(
    client: Client, nik: str, mailoutbox: list[Any]
) -> None:
    ParticipantFactory(
        nik=nik, kpj="12345678901", birth_date=dt.date(1990, 5, 17), user=UserFactory(email="lama@contoh.id")
    )
    response = start_activation(client, nik)
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert mailoutbox == []
    assert User.objects.count() == 1


def test_wrong_combination_attempts_are_counted_per_kpj(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    for _ in range(5):
        response = start_activation(client, nik, birth_date="1990-05-18")
        assert GENERIC in response.content.decode()
    # The sixth attempt is refused even with the right data.
    response = start_activation(client, nik)
    assert response.status_code == 200
    assert "Terlalu banyak percobaan aktivasi" in response.content.decode()
    assert mailoutbox == []
    assert PendingActivation.objects.count() == 0


def test_attempts_are_counted_per_ip_across_kpjs(
    client: Client, participant: Participant, nik: str, settings: Any
) -> None:
    settings.ACTIVATION_RATE_PER_IP = 3
    for kpj in ("10000000001", "10000000002", "10000000003"):
        assert GENERIC in start_activation(client, nik, kpj=kpj).content.decode()
    response = start_activation(client, nik)
    assert "Terlalu banyak percobaan aktivasi" in response.content.decode()
    assert PendingActivation.objects.count() == 0


def test_email_already_used_looks_the_same_but_sends_a_notice_not_a_code(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    UserFactory(email="budi@contoh.id")
    response = start_activation(client, nik)
    assert response.status_code == 302
    assert response.url == CODE_URL
    assert len(mailoutbox) == 1
    assert "sudah dipakai oleh sebuah akun" in mailoutbox[0].body
    # No code can complete it.
    for code in ("000000", "123456"):
        response = client.post(CODE_URL, {"code": code})
        assert "Kode salah" in response.content.decode()
    participant.refresh_from_db()
    assert participant.user_id is None
    assert User.objects.count() == 1


def test_five_wrong_codes_void_the_activation(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    start_activation(client, nik)
    right = code_from_outbox()
    wrong = "000000" if right != "000000" else "111111"
    for attempt in range(1, 5):
        response = client.post(CODE_URL, {"code": wrong})
        assert response.status_code == 200
        assert "Kode salah" in response.content.decode()
        assert PendingActivation.objects.get().attempts == attempt
    response = client.post(CODE_URL, {"code": wrong})
    assert response.status_code == 302
    assert response.url == "/akun/aktivasi/"
    pending = PendingActivation.objects.get()
    assert pending.attempts == 5
    assert pending.voided_at is not None
    # Even the right code no longer works.
    response = client.post(CODE_URL, {"code": right})
    assert response.status_code == 302
    assert response.url == "/akun/aktivasi/"
    assert User.objects.count() == 0


def test_expired_code_is_refused(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        start_activation(client, nik)
        traveller.shift(dt.timedelta(minutes=10, seconds=1))
        response = client.post(CODE_URL, {"code": code_from_outbox()}, follow=True)
    assert "Kode sudah kedaluwarsa" in response.content.decode()
    assert User.objects.count() == 0
    assert PendingActivation.objects.get().voided_at is not None


def test_code_just_inside_ten_minutes_works(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        start_activation(client, nik)
        traveller.shift(dt.timedelta(minutes=9, seconds=59))
        response = client.post(CODE_URL, {"code": code_from_outbox()})
    assert response.status_code == 302
    assert User.objects.count() == 1


def test_code_is_single_use(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    start_activation(client, nik)
    code = code_from_outbox()
    pending_id = str(PendingActivation.objects.get().pk)
    assert client.post(CODE_URL, {"code": code}).status_code == 302
    other = Client()
    session = other.session
    session["accounts_activation_id"] = pending_id
    session.save()
    response = other.post(CODE_URL, {"code": code}, follow=True)
    assert "Kode sudah tidak berlaku" in response.content.decode()
    assert User.objects.count() == 1
    assert "_auth_user_id" not in other.session


def test_only_the_newest_code_works(
    client: Client, participant: Participant, nik: str, mailoutbox: list[Any]
) -> None:
    start_activation(client, nik)
    first = code_from_outbox(0)
    start_activation(client, nik)
    second = code_from_outbox(1)
    if first != second:
        assert "Kode salah" in client.post(CODE_URL, {"code": first}).content.decode()
    assert client.post(CODE_URL, {"code": second}).status_code == 302


def test_code_page_without_a_pending_activation_goes_back_to_the_start(client: Client) -> None:
    response = client.get(CODE_URL)
    assert response.status_code == 302
    assert response.url == "/akun/aktivasi/"


def test_password_rules_apply(client: Client, participant: Participant, nik: str) -> None:
    response = start_activation(client, nik, password1="pendek", password2="pendek")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert PendingActivation.objects.count() == 0
    response = start_activation(client, nik, password2="Sandi-Lain-2026!")
    assert "Kedua kata sandi tidak sama." in response.content.decode()


def test_signed_in_user_is_sent_away_from_activation(owner_client: Client) -> None:
    response = owner_client.get("/akun/aktivasi/")
    assert response.status_code == 302
    assert response.url == dashboard_url()


def test_account_create_for_participant_is_idempotent(participant: Participant) -> None:
    from accounts.services import account_create_for_participant

    user = account_create_for_participant(
        participant=participant, email="Demo@Contoh.id", password="Demo-Portal-2026!"
    )
    again = account_create_for_participant(
        participant=participant, email="demo@contoh.id", password="Demo-Portal-2026!"
    )
    assert again.pk == user.pk
    assert user.email == "demo@contoh.id"
    assert user.check_password("Demo-Portal-2026!")
    participant.refresh_from_db()
    assert participant.user_id == user.pk
    # A second KPJ of the same email joins the same account; the password is left alone.
    second = ParticipantFactory()
    assert (
        account_create_for_participant(participant=second, email="demo@contoh.id", password="x").pk == user.pk
    )
    user.refresh_from_db()
    assert user.check_password("Demo-Portal-2026!")
    assert User.objects.count() == 1
    assert TEST_PASSWORD  # factories' password unaffected
