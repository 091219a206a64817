"""BPU registration codes through the notification outbox, like activation codes: queued in the request
and sent by the task (once, however often it runs), the code page's destination, attempts left and
cool-down, a new code by email or by SMS to the phone given in the form, and the limits (per
registration, per phone, per IP/NIK/email). A refused request sends nothing and changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.codes import code_sms_allowed
from contributions.models import PendingBpuRegistration
from contributions.registration import RegistrationError, bpu_registration_resend, bpu_registration_start
from notifications.models import Outbox
from notifications.senders import FakeSmsSender
from participants.models import Branch, Participant, User
from tests.contributions.test_registration import BORN, CODE, REGISTER, code_data, code_from_outbox, form_data
from tests.factories import BranchFactory, make_nik
from tests.notifications.helpers import deliver_when_enqueued

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

RESEND = "/daftar/bpu/kode/kirim-ulang/"
PHONE = "6281234567890"  # the form's 0812-3456-7890


@pytest.fixture(autouse=True)
def _outbox_worker_and_fake_sms(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.SMS_SENDER = "fake"
    FakeSmsSender.reset()
    cache.clear()
    deliver_when_enqueued(monkeypatch, "bpu_registration")
    yield
    cache.clear()
    FakeSmsSender.reset()


@pytest.fixture
def branch(db: None) -> Branch:
    return BranchFactory.create(code="SBY01", name="Surabaya Rungkut")


@pytest.fixture
def nik() -> str:
    return make_nik(birth_date=BORN, sex="P", region="357801", serial=77)


def sms_code(index: int = -1) -> str:
    match = re.match(r"^(\d{6}) adalah kode pendaftaran", FakeSmsSender.sent[index].text)
    assert match is not None, FakeSmsSender.sent[index].text
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_code_is_queued_in_the_request_and_sent_by_the_task(
    client: Client, nik: str, branch: Branch, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notifications import tasks

    enqueued: list[int] = []
    monkeypatch.setattr(tasks.send_outbox, "delay_on_commit", enqueued.append)
    assert client.post(REGISTER, form_data(nik, branch))["Location"] == CODE
    assert mail.outbox == []  # nothing sent inside the request
    row = Outbox.objects.get()
    assert enqueued == [row.pk]
    assert (row.event, row.category, row.channel, row.recipient, row.status, row.sensitive) == (
        "bpu_registration_code",
        "service",
        "email",
        "siti@contoh.id",
        "queued",
        True,
    )
    tasks.send_outbox.apply(args=(row.pk,))
    tasks.send_outbox.apply(args=(row.pk,))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@contoh.id"]
    assert mail.outbox[0].subject == "Kode konfirmasi pendaftaran peserta BPU"
    assert "Halo Siti Rahayu," in mail.outbox[0].body
    assert nik not in mail.outbox[0].body
    code = code_from_outbox()
    row.refresh_from_db()
    assert row.status == "sent"
    assert code not in row.body  # the stored copy of a sent code is removed
    assert client.post(CODE, code_data(code)).status_code == 302
    assert Participant.objects.count() == 1
    assert User.objects.get().emailaddress_set.get().verified is True  # an emailed code proves the address


def test_the_code_page_shows_destination_attempts_and_cool_down(
    client: Client, nik: str, branch: Branch
) -> None:
    client.post(REGISTER, form_data(nik, branch))
    page = client.get(CODE).content.decode()
    assert "ke email yang Anda isi (s***@contoh.id)" in page
    assert "Sisa 5 kali percobaan" in page
    assert "mulai pukul 10:01:00 (sekitar 60 detik lagi)" in page
    assert f'action="{RESEND}"' in page
    assert 'value="sms" class="secondary" disabled' in page
    response = client.post(CODE, code_data(wrong(code_from_outbox())))
    assert response.status_code == 400
    assert "Sisa 4 kali percobaan" in response.content.decode()


def test_a_new_code_waits_for_the_cool_down_then_goes_by_sms(
    client: Client, nik: str, branch: Branch, frozen: Any
) -> None:
    client.post(REGISTER, form_data(nik, branch))
    first = code_from_outbox()
    response = client.post(RESEND, {"channel": "sms"})
    assert response["Location"] == CODE
    assert "Tunggu sebentar sebelum meminta kode baru." in client.get(CODE).content.decode()
    # too early: nothing sent, nothing changed
    assert FakeSmsSender.sent == []
    assert (Outbox.objects.count(), len(mail.outbox)) == (1, 1)
    assert PendingBpuRegistration.objects.get().sends == 1

    frozen.shift(dt.timedelta(seconds=61))
    assert "dapat meminta kode baru sekarang" in client.get(CODE).content.decode()
    response = client.post(RESEND, {"channel": "sms"})
    assert response["Location"] == CODE
    assert [s.to for s in FakeSmsSender.sent] == [PHONE]
    assert len(mail.outbox) == 1
    second = sms_code()
    row = Outbox.objects.get(channel="sms")
    assert (row.event, row.recipient, row.status) == ("bpu_registration_code", PHONE, "sent")
    assert second not in row.body
    page = client.get(CODE).content.decode()
    assert "Kode baru sudah dikirim." in page
    assert "lewat SMS ke 0812****90" in page
    pending = PendingBpuRegistration.objects.get()
    assert (pending.channel, pending.sends) == ("sms", 2)
    if first != second:  # the previous code stopped working (and counts as a wrong attempt)
        response = client.post(CODE, code_data(first))
        assert response.status_code == 400
        assert "Sisa 4 kali percobaan" in response.content.decode()
    assert client.post(CODE, code_data(second)).status_code == 302
    # An SMS code proves the phone, not the email address (as in account activation).
    assert User.objects.get().emailaddress_set.get().verified is False


def test_a_new_code_by_email(client: Client, nik: str, branch: Branch, frozen: Any) -> None:
    client.post(REGISTER, form_data(nik, branch))
    frozen.shift(dt.timedelta(seconds=61))
    client.post(RESEND, {"channel": "email"})
    assert len(mail.outbox) == 2
    assert FakeSmsSender.sent == []
    assert client.post(CODE, code_data(code_from_outbox())).status_code == 302


def test_new_codes_are_limited_per_registration(
    client: Client, nik: str, branch: Branch, frozen: Any, settings: Any
) -> None:
    settings.ACTIVATION_MAX_SENDS = 2
    client.post(REGISTER, form_data(nik, branch))
    frozen.shift(dt.timedelta(seconds=61))
    client.post(RESEND, {"channel": "email"})
    frozen.shift(dt.timedelta(seconds=61))
    client.post(RESEND, {"channel": "email"})
    page = client.get(CODE).content.decode()
    assert "Batas pengiriman kode untuk pendaftaran ini sudah tercapai." in page
    assert "Batas pengiriman kode sudah tercapai." in page  # no buttons any more
    assert len(mail.outbox) == 2
    assert Outbox.objects.count() == 2
    assert PendingBpuRegistration.objects.get().sends == 2


def test_sms_codes_per_phone_are_rate_limited(
    client: Client, nik: str, branch: Branch, frozen: Any, settings: Any
) -> None:
    settings.ACTIVATION_RATE_PER_PHONE = 2
    client.post(REGISTER, form_data(nik, branch))
    for _ in range(3):
        frozen.shift(dt.timedelta(seconds=61))
        client.post(RESEND, {"channel": "sms"})
    assert "Terlalu banyak kode dikirim ke nomor ini" in client.get(CODE).content.decode()
    assert len(FakeSmsSender.sent) == 2
    assert Outbox.objects.filter(channel="sms").count() == 2
    assert PendingBpuRegistration.objects.get().sends == 3


def test_the_phone_limit_is_shared_with_account_activation(
    client: Client, nik: str, branch: Branch, frozen: Any, settings: Any
) -> None:
    settings.ACTIVATION_RATE_PER_PHONE = 1
    assert code_sms_allowed(PHONE)  # an activation code went to this phone this hour
    client.post(REGISTER, form_data(nik, branch))
    frozen.shift(dt.timedelta(seconds=61))
    client.post(RESEND, {"channel": "sms"})
    assert "Terlalu banyak kode dikirim ke nomor ini" in client.get(CODE).content.decode()
    assert FakeSmsSender.sent == []
    assert PendingBpuRegistration.objects.get().sends == 1


def test_new_codes_count_against_the_ip_nik_and_email_limits(
    client: Client, nik: str, branch: Branch, frozen: Any, settings: Any
) -> None:
    settings.ACTIVATION_RATE_PER_KPJ = 2
    client.post(REGISTER, form_data(nik, branch))  # 1st count for the NIK and the email
    frozen.shift(dt.timedelta(seconds=61))
    client.post(RESEND, {"channel": "email"})  # 2nd
    frozen.shift(dt.timedelta(seconds=61))
    client.post(RESEND, {"channel": "email"})  # over the limit: refused
    assert "Terlalu banyak permintaan kode" in client.get(CODE).content.decode()
    assert len(mail.outbox) == 2
    assert PendingBpuRegistration.objects.get().sends == 2


@pytest.mark.parametrize("channel", ["", "fax"])
def test_a_bad_channel_sends_nothing(
    client: Client, nik: str, branch: Branch, frozen: Any, channel: str
) -> None:
    client.post(REGISTER, form_data(nik, branch))
    frozen.shift(dt.timedelta(seconds=61))
    assert client.post(RESEND, {"channel": channel})["Location"] == CODE
    assert "Pilih email atau SMS." in client.get(CODE).content.decode()
    assert (Outbox.objects.count(), len(mail.outbox), FakeSmsSender.sent) == (1, 1, [])
    assert PendingBpuRegistration.objects.get().sends == 1


def test_a_new_code_without_a_registration_sends_nothing(client: Client) -> None:
    assert client.post(RESEND, {"channel": "email"})["Location"] == REGISTER
    assert client.get(RESEND).status_code == 405
    assert Outbox.objects.count() == 0


def test_a_new_code_for_an_expired_registration_sends_nothing(
    client: Client, nik: str, branch: Branch, frozen: Any
) -> None:
    client.post(REGISTER, form_data(nik, branch))
    frozen.shift(dt.timedelta(minutes=10, seconds=1))
    response = client.post(RESEND, {"channel": "sms"}, follow=True)
    assert response.redirect_chain[-1][0] == REGISTER
    assert "Kode sudah tidak berlaku" in response.content.decode()
    assert (Outbox.objects.count(), len(mail.outbox), FakeSmsSender.sent) == (1, 1, [])
    assert PendingBpuRegistration.objects.get().sends == 1
    assert client.get(CODE)["Location"] == REGISTER  # the session forgot it


def test_unknown_registrations_are_void(db: None) -> None:
    for registration_id in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        with pytest.raises(RegistrationError) as caught:
            bpu_registration_resend(registration_id=registration_id, channel="email")
        assert caught.value.reason == "void"
    assert Outbox.objects.count() == 0


def test_a_taken_email_gets_the_notice_by_every_channel_and_never_a_code(
    client: Client, nik: str, branch: Branch, frozen: Any
) -> None:
    User.objects.create_user(email="siti@contoh.id", password="x-Sandi-Lama-2026")
    client.post(REGISTER, form_data(nik, branch))
    frozen.shift(dt.timedelta(seconds=61))
    client.post(RESEND, {"channel": "sms"})
    rows = list(Outbox.objects.order_by("pk").values_list("event", "channel"))
    assert rows == [
        ("bpu_registration_email_taken", "email"),
        ("bpu_registration_email_taken", "email"),
        ("bpu_registration_email_taken", "sms"),
    ]
    assert [s.to for s in FakeSmsSender.sent] == [PHONE]
    assert "sudah dipakai akun lain" in FakeSmsSender.sent[0].text
    assert re.search(r"\d{6}", FakeSmsSender.sent[0].text) is None
    assert all(re.search(r"^\s+\d{6}\s*$", m.body, re.MULTILINE) is None for m in mail.outbox)
    assert Participant.objects.count() == 0


def test_the_code_in_english(db: None, nik: str, branch: Branch) -> None:
    bpu_registration_start(
        nik=nik,
        full_name="Siti Rahayu",
        birth_date=BORN,
        sex="P",
        address="Surabaya",
        phone="081234567890",
        email="siti@contoh.id",
        work_type="trader",
        declared_income_idr=3_500_000,
        with_jht=True,
        branch=branch,
        language="en",
    )
    row = Outbox.objects.get()
    assert (row.language, row.subject) == ("en", "BPU participant registration code")
    assert len(mail.outbox) == 1
    assert "valid for 10 minutes" in mail.outbox[0].body
