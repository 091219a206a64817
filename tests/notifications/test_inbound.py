"""POST /sms/inbound/: registration and balance flows, every mismatch, bad input, duplicates, floods."""

from __future__ import annotations

import json
from typing import Any

import pytest
import structlog
from django.test import Client

from notifications.models import InboundOutcome, InboundSms, Outbox, SmsRegistration
from notifications.senders import FakeSmsSender
from notifications.services import outbox_deliver_queued
from participants.ledger.models import JhtBalance
from tests.concurrency import race
from tests.factories import ParticipantFactory, make_nik
from tests.notifications.conftest import BIRTH, KPJ, PHONE, SECRET

URL = "/sms/inbound/"
RECEIVED = "Permintaan diterima. Jika data cocok, konfirmasi dikirim ke kontak terdaftar."
_ids = iter(range(10**6))


def post(
    client: Client,
    text: str,
    *,
    sender: str = "081311112222",
    message_id: str | None = None,
    secret: str | None = SECRET,
    as_json: bool = True,
) -> Any:
    data = {"from": sender, "text": text, "message_id": message_id or f"m{next(_ids)}"}
    headers = {"X-SMS-Secret": secret} if secret is not None else {}
    if as_json:
        return client.post(URL, json.dumps(data), content_type="application/json", headers=headers)
    return client.post(URL, data, headers=headers)


def daftar(
    nik: str, *, name: str = "Budi Santoso", dob: str = "09-07-1988", kpj: str = KPJ, email: str = ""
) -> str:
    text = f"DAFTAR SALDO#{nik}#{name}#{dob}#{kpj}"
    return f"{text}#{email}" if email else text


def reply_of(message_id: str) -> str:
    inbound = InboundSms.objects.get(message_id=message_id)
    assert inbound.reply is not None
    return inbound.reply.body


def test_register_then_balance(person: Any, nik: str) -> None:
    client = Client()
    response = post(client, daftar(nik, name="budi SANTOSO", email="Budi@Contoh.id"), message_id="r1")
    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    registration = SmsRegistration.objects.get(participant=person)
    assert (registration.phone, registration.email) == (PHONE, "budi@contoh.id")
    assert "berhasil" in reply_of("r1")
    assert post(client, f"SALDO {KPJ}", message_id="s1").status_code == 200
    body = reply_of("s1")
    assert body.startswith(f"Saldo JHT KPJ {KPJ}: Rp12.345.678 per ")
    reply = InboundSms.objects.get(message_id="s1").reply
    assert reply is not None
    assert (reply.recipient, reply.channel, reply.status) == (PHONE, "sms", "queued")
    # Two replies, and the binding's security notice ("Bukan saya") to the email and phone on record.
    assert sorted(Outbox.objects.values_list("event", "channel")) == [
        ("security_event", "email"),
        ("security_event", "sms"),
        ("sms_reply", "sms"),
        ("sms_reply", "sms"),
    ]
    assert outbox_deliver_queued() == 4
    assert [m.to for m in FakeSmsSender.sent] == [PHONE, PHONE, PHONE]


def test_form_encoded_body_works(person: Any, nik: str) -> None:
    assert post(Client(), daftar(nik), message_id="f1", as_json=False).status_code == 200
    assert InboundSms.objects.get(message_id="f1").outcome == InboundOutcome.REGISTERED


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Budi Santosa"},
        {"dob": "10-07-1988"},
        {"kpj": "99999999999"},
        {"other_nik": True},
    ],
    ids=["name", "birth_date", "unknown_kpj", "nik_of_another_person"],
)
def test_every_mismatch_registers_nothing_and_says_the_same(
    person: Any, nik: str, change: dict[str, Any]
) -> None:
    other = ParticipantFactory(birth_date=BIRTH, sex="L", nik=make_nik(birth_date=BIRTH, sex="L", serial=999))
    use_nik = other.nik if change.pop("other_nik", False) else nik
    response = post(Client(), daftar(use_nik, **change), message_id="x")
    assert response.status_code == 200
    assert SmsRegistration.objects.count() == 0
    assert InboundSms.objects.get(message_id="x").outcome == InboundOutcome.REGISTER_REFUSED
    assert reply_of("x") == RECEIVED


def test_one_phone_per_kpj(person: Any, nik: str) -> None:
    client = Client()
    post(client, daftar(nik), message_id="a")
    post(client, daftar(nik), sender="081399998888", message_id="b")
    assert list(SmsRegistration.objects.values_list("phone", flat=True)) == [PHONE]
    assert reply_of("b") == RECEIVED  # no "already registered with another phone": that confirms the data
    post(client, daftar(nik), message_id="c")  # the same phone again: still registered, once
    assert SmsRegistration.objects.count() == 1
    assert "berhasil" in reply_of("c")


def test_balance_only_to_the_registered_phone(person: Any, nik: str) -> None:
    client = Client()
    post(client, f"SALDO {KPJ}", message_id="before")
    assert InboundSms.objects.get(message_id="before").outcome == InboundOutcome.NOT_REGISTERED
    post(client, daftar(nik), message_id="reg")
    post(client, f"SALDO {KPJ}", sender="081399998888", message_id="stranger")
    post(client, "SALDO 99999999999", message_id="unknown")
    for message_id in ("before", "stranger", "unknown"):
        body = reply_of(message_id)
        assert "Rp" not in body
        assert "12.345" not in body
        assert body.startswith("Nomor ini belum terdaftar")


def test_balance_comes_from_the_balance_row(
    person: Any, nik: str, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    post(client, daftar(nik), message_id="reg")
    JhtBalance.objects.filter(account=person).update(balance_idr=5_000, worker_idr=5_000)
    with django_assert_max_num_queries(12) as captured:
        post(client, f"SALDO {KPJ}", message_id="bal")
    assert "Rp5.000" in reply_of("bal")
    assert not any("SUM(" in q["sql"].upper() for q in captured.captured_queries)


@pytest.mark.parametrize("text", ["saldo 11122233344", "SALDO  11122233344", "HALO", "", "DAFTAR SALDO"])
def test_anything_else_gets_help(person: Any, text: str) -> None:
    assert post(Client(), text, message_id="h").status_code == 200
    assert reply_of("h").startswith("Format salah.")
    assert SmsRegistration.objects.count() == 0


def test_same_message_id_is_processed_once(person: Any, nik: str) -> None:
    client = Client()
    assert post(client, daftar(nik), message_id="dup").json() == {"status": "accepted"}
    assert post(client, daftar(nik), message_id="dup").json() == {"status": "duplicate"}
    assert InboundSms.objects.count() == 1
    assert Outbox.objects.filter(event="sms_reply").count() == 1
    assert Outbox.objects.filter(event="security_event").count() == 2  # email and phone on record, once


@pytest.mark.django_db(transaction=True)
def test_same_message_id_concurrently_is_processed_once(person: Any, nik: str) -> None:
    def deliver() -> str:
        return str(post(Client(), f"SALDO {KPJ}", message_id="race").json()["status"])

    statuses = race(*[deliver] * 4)
    assert sorted(statuses) == ["accepted", "duplicate", "duplicate", "duplicate"]
    assert InboundSms.objects.filter(message_id="race").count() == 1
    assert Outbox.objects.count() == 1


@pytest.mark.parametrize(("secret", "status"), [(None, 403), ("", 403), ("wrong", 403), (SECRET + "x", 403)])
def test_missing_or_wrong_secret(person: Any, nik: str, secret: str | None, status: int) -> None:
    assert post(Client(), daftar(nik), secret=secret).status_code == status
    assert (InboundSms.objects.count(), SmsRegistration.objects.count(), Outbox.objects.count()) == (0, 0, 0)


def test_unconfigured_secret_refuses_everything(person: Any, nik: str, settings: Any) -> None:
    settings.SMS_INBOUND_SECRET = ""
    assert post(Client(), daftar(nik), secret="").status_code == 503
    assert InboundSms.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (
            json.dumps({"from": 6281311112222, "text": "SALDO 11122233344", "message_id": "n"}).encode(),
            "application/json",
        ),
        (json.dumps({"text": "SALDO 11122233344", "message_id": "n"}).encode(), "application/json"),
        (
            json.dumps({"from": "not-a-phone", "text": "SALDO 11122233344", "message_id": "n"}).encode(),
            "application/json",
        ),
        (
            json.dumps(
                {"from": "081311112222", "text": "SALDO 11122233344", "message_id": "bad id!"}
            ).encode(),
            "application/json",
        ),
        (
            json.dumps({"from": "081311112222", "text": "S" * 321, "message_id": "long"}).encode(),
            "application/json",
        ),
        (b"from=081311112222&text=SALDO", "text/plain"),
    ],
    ids=[
        "broken_json",
        "json_list",
        "number_not_string",
        "missing_from",
        "bad_sender",
        "bad_message_id",
        "long_text",
        "wrong_type",
    ],
)
def test_malformed_bodies_are_400(person: Any, body: bytes, content_type: str) -> None:
    response = Client().post(URL, body, content_type=content_type, headers={"X-SMS-Secret": SECRET})
    assert response.status_code == 400
    assert (InboundSms.objects.count(), Outbox.objects.count()) == (0, 0)


def test_oversized_body_is_413(person: Any, nik: str) -> None:
    body = json.dumps({"from": "081311112222", "text": daftar(nik), "message_id": "big", "pad": "x" * 5000})
    response = Client().post(URL, body, content_type="application/json", headers={"X-SMS-Secret": SECRET})
    assert response.status_code == 413
    assert (InboundSms.objects.count(), SmsRegistration.objects.count()) == (0, 0)


def test_get_is_refused() -> None:
    assert Client().get(URL).status_code == 405


def test_flooding_from_one_number_is_rate_limited(person: Any, nik: str, settings: Any) -> None:
    settings.SMS_INBOUND_RATE_PER_SENDER = 3
    client = Client()
    statuses = [post(client, "HALO").status_code for _ in range(3)]
    statuses += [post(client, daftar(nik)).status_code for _ in range(2)]
    assert statuses == [200, 200, 200, 429, 429]
    assert SmsRegistration.objects.count() == 0
    assert Outbox.objects.count() == 3
    # another number is not affected by this number's limit (it is not on record: the owner confirms)
    assert post(client, daftar(nik), sender="081399998888", message_id="other").status_code == 200
    assert InboundSms.objects.get(message_id="other").outcome == InboundOutcome.BINDING_REQUESTED


def test_guessing_the_data_of_one_kpj_is_rate_limited(person: Any, nik: str, settings: Any) -> None:
    settings.SMS_REGISTER_RATE_PER_KPJ = 2
    client = Client()
    for i, dob in enumerate(["01-01-1980", "02-01-1980"]):
        post(client, daftar(nik, dob=dob), sender=f"08131111{i:04d}")
    # the right data now, but the KPJ's attempts are used up: refused with the same reply
    post(client, daftar(nik), sender="081311119999", message_id="late")
    assert SmsRegistration.objects.count() == 0
    assert reply_of("late") == RECEIVED


def test_nik_is_never_stored_or_logged_in_clear(person: Any, nik: str) -> None:
    with structlog.testing.capture_logs() as logs:
        post(Client(), daftar(nik), message_id="masked")
    stored = InboundSms.objects.get(message_id="masked").text_masked
    assert nik not in stored
    assert f"{nik[:4]}********{nik[-4:]}" in stored
    assert logs
    assert all(nik not in repr(entry) for entry in logs)
    assert all("081311112222" not in repr(entry) and PHONE not in repr(entry) for entry in logs)
