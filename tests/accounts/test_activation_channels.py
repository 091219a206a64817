"""Activation codes by email or SMS through the outbox: visible cool-down, attempts left, switching
channel, single use, rate limits per phone, account and IP."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.models import PendingActivation
from notifications.models import Outbox
from notifications.senders import FakeSmsSender
from participants.models import Participant, User
from tests.accounts.conftest import code_from_outbox, start_activation

pytestmark = pytest.mark.django_db

CODE_URL = "/akun/aktivasi/kode/"
RESEND_URL = "/akun/aktivasi/kode/kirim-ulang/"
T0 = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fake_sms(settings: Any) -> None:
    settings.SMS_SENDER = "fake"
    FakeSmsSender.reset()


def sms_code(index: int = -1) -> str:
    match = re.match(r"^(\d{6}) adalah kode aktivasi", FakeSmsSender.sent[index].text)
    assert match is not None, FakeSmsSender.sent[index].text
    return match.group(1)


def test_code_by_sms_to_the_phone_on_record(client: Client, participant: Participant, nik: str) -> None:
    participant.phone = "0812-7777-6666"
    participant.save()
    with time_machine.travel(T0, tick=False):
        response = start_activation(client, nik, channel="sms")
        assert response.status_code == 302
        assert [s.to for s in FakeSmsSender.sent] == ["6281277776666"]
        assert mail.outbox == []
        page = client.get(CODE_URL).content.decode()
    assert "lewat SMS ke nomor HP yang tercatat, 0812****66" in page
    assert "Sisa 5 kali percobaan" in page
    assert "mulai pukul 10:01:00 (sekitar 60 detik lagi)" in page
    row = Outbox.objects.get(event="activation_code")
    assert (row.channel, row.status) == ("sms", "sent")
    assert sms_code() not in row.body  # the stored copy of a sent code is removed
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        response = client.post(CODE_URL, {"code": sms_code()})
    assert response.status_code == 302
    user = User.objects.get()
    assert user.emailaddress_set.get().verified is False  # SMS proves the phone, not the email


def test_sms_without_a_phone_on_record_goes_by_email(
    client: Client, participant: Participant, nik: str
) -> None:
    participant.phone = ""
    participant.save()
    start_activation(client, nik, channel="sms")
    assert FakeSmsSender.sent == []
    assert len(mail.outbox) == 1
    page = client.get(CODE_URL).content.decode()
    assert "ke email yang tercatat, k***@contoh.id" in page
    assert "Kirim kode lewat SMS" not in page


def test_resend_waits_for_the_cool_down_then_switches_channel(
    client: Client, participant: Participant, nik: str
) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        start_activation(client, nik)
        first = code_from_outbox()
        response = client.post(RESEND_URL, {"channel": "sms"})
        assert response.status_code == 302
        assert FakeSmsSender.sent == []  # too early: nothing sent
        assert "Tunggu sebentar" in client.get(CODE_URL).content.decode()
        traveller.shift(61)
        assert "dapat meminta kode baru sekarang" in client.get(CODE_URL).content.decode()
        client.post(RESEND_URL, {"channel": "sms"})
        assert len(FakeSmsSender.sent) == 1
        second = sms_code()
        page = client.get(CODE_URL).content.decode()
        assert "lewat SMS ke" in page
        # the old code no longer works (and counts as a wrong attempt)
        if first != second:
            response = client.post(CODE_URL, {"code": first})
            assert response.status_code == 200
            assert "Sisa 4 kali percobaan" in response.content.decode()
        assert client.post(CODE_URL, {"code": second}).status_code == 302
    assert User.objects.count() == 1


def test_attempts_carry_over_a_new_code(client: Client, participant: Participant, nik: str) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        start_activation(client, nik)
        for _ in range(4):
            client.post(CODE_URL, {"code": "000000" if code_from_outbox() != "000000" else "111111"})
        traveller.shift(61)
        client.post(RESEND_URL, {"channel": "email"})
        assert "Sisa 1 kali percobaan" in client.get(CODE_URL).content.decode()
        wrong = "000000" if code_from_outbox() != "000000" else "111111"
        response = client.post(CODE_URL, {"code": wrong})
    assert response.status_code == 302  # voided after the fifth wrong code
    assert PendingActivation.objects.get().voided_at is not None


def test_resend_limit_per_activation(
    client: Client, participant: Participant, nik: str, settings: Any
) -> None:
    settings.ACTIVATION_MAX_SENDS = 2
    with time_machine.travel(T0, tick=False) as traveller:
        start_activation(client, nik)
        traveller.shift(61)
        client.post(RESEND_URL, {"channel": "email"})
        traveller.shift(61)
        client.post(RESEND_URL, {"channel": "email"})
    assert len(mail.outbox) == 2
    assert PendingActivation.objects.get().sends == 2


def test_sms_codes_per_phone_are_rate_limited(
    client: Client, participant: Participant, nik: str, settings: Any
) -> None:
    settings.ACTIVATION_RATE_PER_PHONE = 2
    participant.phone = "081277776666"
    participant.save()
    with time_machine.travel(T0, tick=False) as traveller:
        start_activation(client, nik, channel="sms")
        traveller.shift(61)
        client.post(RESEND_URL, {"channel": "sms"})
        traveller.shift(61)
        client.post(RESEND_URL, {"channel": "sms"})
        assert "Terlalu banyak kode dikirim ke nomor ini" in client.get(CODE_URL).content.decode()
    assert len(FakeSmsSender.sent) == 2
    assert PendingActivation.objects.get().sends == 2


def test_resend_is_rate_limited_per_ip_and_account(
    client: Client, participant: Participant, nik: str, settings: Any
) -> None:
    settings.ACTIVATION_RATE_PER_KPJ = 2
    with time_machine.travel(T0, tick=False) as traveller:
        start_activation(client, nik)  # 1st count for the KPJ
        traveller.shift(61)
        client.post(RESEND_URL, {"channel": "email"})  # 2nd
        traveller.shift(61)
        client.post(RESEND_URL, {"channel": "email"})  # over the limit: refused
    assert len(mail.outbox) == 2
    assert PendingActivation.objects.get().sends == 2


@pytest.mark.parametrize("channel", ["", "fax"])
def test_resend_refuses_bad_channel(client: Client, participant: Participant, nik: str, channel: str) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        start_activation(client, nik)
        traveller.shift(61)
        assert client.post(RESEND_URL, {"channel": channel}).status_code == 302
    assert PendingActivation.objects.get().sends == 1
    assert len(mail.outbox) == 1


def test_resend_without_a_pending_activation(client: Client) -> None:
    response = client.post(RESEND_URL, {"channel": "email"})
    assert response.status_code == 302
    assert response.url == "/akun/aktivasi/"
    assert Outbox.objects.count() == 0


def test_the_code_is_queued_in_the_request_and_sent_by_the_task(
    client: Client, participant: Participant, nik: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notifications import tasks

    enqueued: list[int] = []
    monkeypatch.setattr(tasks.send_outbox, "delay_on_commit", enqueued.append)
    start_activation(client, nik)
    assert mail.outbox == []  # nothing sent inside the request
    row = Outbox.objects.get()
    assert enqueued == [row.pk]
    assert (row.event, row.status, row.sensitive) == ("activation_code", "queued", True)
    tasks.send_outbox.apply(args=(row.pk,))
    tasks.send_outbox.apply(args=(row.pk,))
    assert len(mail.outbox) == 1
