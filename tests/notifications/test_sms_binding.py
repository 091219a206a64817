"""SMS binding only by the owner (issue 16, item 5): the hijack from another phone binds nothing, every
outcome but an immediate binding gets byte-identical replies, the owner confirms through a contact on
record, and the confirmation link is single use, signed and changes nothing on GET."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.test import Client

from accounts.models import SecurityEvent
from notifications.models import InboundOutcome, InboundSms, Outbox, SmsBindingRequest, SmsRegistration
from tests.notifications.conftest import KPJ, PHONE
from tests.notifications.test_inbound import RECEIVED, daftar, post, reply_of

pytestmark = pytest.mark.django_db

ATTACKER = "081399998888"
ATTACKER_MSISDN = "6281399998888"


def _confirm_link(person: Any) -> str:
    row = Outbox.objects.get(event="sms_binding_confirm", channel="email", recipient=person.email)
    match = re.search(r"https?://[^\s]+?(/sms/daftar/konfirmasi/[^/\s]+/)", row.body)
    assert match is not None, row.body
    return match.group(1)


def test_hijack_from_another_phone_binds_nothing_and_the_owner_is_asked(person: Any, nik: str) -> None:
    """The attack from issue 16: DAFTAR SALDO with the owner's KTP data from the attacker's phone."""
    client = Client()
    post(client, daftar(nik), sender=ATTACKER, message_id="hijack")
    assert SmsRegistration.objects.count() == 0
    assert InboundSms.objects.get(message_id="hijack").outcome == InboundOutcome.BINDING_REQUESTED
    assert reply_of("hijack") == RECEIVED
    post(client, f"SALDO {KPJ}", sender=ATTACKER, message_id="peek")
    assert "Rp" not in reply_of("peek")
    # The owner's contacts on record get the confirmation; the attacker's phone gets only the reply.
    confirm = Outbox.objects.filter(event="sms_binding_confirm")
    assert sorted(confirm.values_list("channel", "recipient")) == [("email", person.email), ("sms", PHONE)]
    assert not Outbox.objects.filter(recipient=ATTACKER_MSISDN).exclude(event="sms_reply").exists()
    # The owner's own phone on record still binds at once.
    post(client, daftar(nik), message_id="owner")
    assert list(SmsRegistration.objects.values_list("phone", flat=True)) == [PHONE]
    assert "berhasil" in reply_of("owner")


def test_mismatch_other_phone_and_already_bound_get_byte_identical_replies(person: Any, nik: str) -> None:
    client = Client()
    post(client, daftar(nik), message_id="bind")  # the owner's phone on record: bound
    post(client, daftar(nik, name="Budi Santosa"), sender=ATTACKER, message_id="mismatch")
    post(client, daftar(nik, kpj="99999999999"), sender=ATTACKER, message_id="unknown")
    post(client, daftar(nik), sender=ATTACKER, message_id="match_bound")
    bodies = {reply_of(m) for m in ("mismatch", "unknown", "match_bound")}
    assert bodies == {RECEIVED}
    replies = InboundSms.objects.filter(message_id__in=["mismatch", "unknown", "match_bound"]).values_list(
        "reply__subject", "reply__body", "reply__channel"
    )
    assert [(subject, body.encode(), channel) for subject, body, channel in replies] == [
        ("", RECEIVED.encode(), "sms")
    ] * 3
    assert list(SmsRegistration.objects.values_list("phone", flat=True)) == [PHONE]


def test_owner_confirms_through_the_link_get_changes_nothing(person: Any, nik: str) -> None:
    post(Client(), daftar(nik), sender=ATTACKER, message_id="newphone")
    link = _confirm_link(person)
    page = Client().get(link)
    assert page.status_code == 200
    assert "0813****88" in page.content.decode()
    assert SmsRegistration.objects.count() == 0
    assert SmsBindingRequest.objects.get().confirmed_at is None

    done = Client().post(link)
    assert done.status_code == 200
    registration = SmsRegistration.objects.get(participant=person)
    assert registration.phone == ATTACKER_MSISDN
    assert SmsBindingRequest.objects.get().confirmed_at is not None
    # Told to the contacts on record with "Bukan saya"; the bound phone gets the success SMS.
    event = SecurityEvent.objects.get(kind="sms_binding")
    assert event.detail == {"phone": "0813****88"}
    assert Outbox.objects.filter(event_key=f"security_event:{event.public_id}").count() == 2
    assert Outbox.objects.filter(
        event="sms_reply", recipient=ATTACKER_MSISDN, body__contains="berhasil"
    ).exists()
    # Single use.
    again = Client().post(link)
    assert again.status_code == 400
    assert "sudah dipakai" in again.content.decode()
    assert SecurityEvent.objects.filter(kind="sms_binding").count() == 1


def test_tampered_or_expired_confirmation_binds_nothing(person: Any, nik: str, settings: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC), tick=False) as traveller:
        post(Client(), daftar(nik), sender=ATTACKER, message_id="late")
        link = _confirm_link(person)
        request = SmsBindingRequest.objects.get()
        forged = "/sms/daftar/konfirmasi/" + signing.dumps(request.public_id.hex, salt="x") + "/"
        for bad in (link[:-3] + "AA/", forged):
            assert Client().post(bad).status_code == 400
        traveller.shift(dt.timedelta(seconds=settings.SMS_BINDING_CONFIRM_MAX_AGE + 1))
        expired = Client().post(link)
    assert expired.status_code == 400
    assert "kedaluwarsa" in expired.content.decode()
    assert SmsRegistration.objects.count() == 0


def test_no_contact_on_record_sends_no_confirmation_and_replies_the_same(person: Any, nik: str) -> None:
    person.email, person.phone = "", ""
    person.save()
    post(Client(), daftar(nik), sender=ATTACKER, message_id="nocontact")
    assert reply_of("nocontact") == RECEIVED
    assert SmsRegistration.objects.count() == 0
    assert SmsBindingRequest.objects.count() == 0
    assert not Outbox.objects.filter(event="sms_binding_confirm").exists()
