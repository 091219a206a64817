"""Activation proves control of a contact on record (issue 16, item 1): the takeover with an attacker's
email, a record without contacts, and the `contacts_on_record` selector itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.models import PendingActivation, SecurityEvent
from notifications.models import Outbox
from participants.contacts import ContactOnRecord, contacts_on_record
from participants.models import Participant, User
from tests.accounts.conftest import code_from_outbox, start_activation
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

CODE_URL = "/akun/aktivasi/kode/"
ATTACKER = "attacker@evil.test"


def _visible(html: str) -> str:
    """A page without what differs per request anyway (the CSRF token, the CSP nonce)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"x-csrftoken": "[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_takeover_with_an_attackers_email_gets_no_code_and_no_access(
    client: Client, participant: Participant, nik: str
) -> None:
    """The attack from issue 16: NIK + KPJ + date of birth from a photocopied KTP, the attacker's email."""
    record = (participant.email, participant.phone)
    response = start_activation(client, nik, email=ATTACKER)
    assert response.status_code == 302
    page = client.get(CODE_URL).content.decode()
    assert "ke email yang tercatat, k***@contoh.id" in page
    assert ATTACKER not in page
    # The attacker's mailbox gets nothing; the code went to the owner's address on record.
    assert all(ATTACKER not in m.to for m in mail.outbox)
    assert [m.to for m in mail.outbox] == [["kpj12345678901@contoh.id"]]
    assert not Outbox.objects.filter(recipient=ATTACKER).exists()
    # Guessing codes gets nowhere: the fifth wrong code voids the activation.
    real = code_from_outbox()
    wrong = "000000" if real != "000000" else "111111"
    for _ in range(5):
        client.post(CODE_URL, {"code": wrong})
    assert PendingActivation.objects.get().voided_at is not None
    assert "_auth_user_id" not in client.session
    assert client.get("/peserta/").status_code == 302  # no access to the owner's pages
    participant.refresh_from_db()
    assert participant.user_id is None
    assert (participant.email, participant.phone) == record
    assert User.objects.count() == 0

    # The owner then activates normally, with the code at their own address.
    owner = Client()
    start_activation(owner, nik, email="budi@contoh.id")
    assert owner.post(CODE_URL, {"code": code_from_outbox()}).status_code == 302
    participant.refresh_from_db()
    assert participant.user is not None
    assert participant.user.email == "budi@contoh.id"


def test_activation_is_a_security_event_told_to_the_record_with_bukan_saya(
    client: Client, participant: Participant, nik: str
) -> None:
    start_activation(client, nik, email="budi@contoh.id")
    client.post(CODE_URL, {"code": code_from_outbox()})
    event = SecurityEvent.objects.get(kind="activation")
    assert (event.kind, event.participant_id, event.nik_index) == (
        "activation",
        participant.pk,
        participant.nik_index,
    )
    notices = Outbox.objects.filter(event="security_event", event_key=f"security_event:{event.public_id}")
    # The record's email and phone (the new login address is not proven: it gets no copy).
    assert sorted(notices.values_list("channel", "recipient")) == [
        ("email", "kpj12345678901@contoh.id"),
        ("sms", "6281234567890"),
    ]
    body = notices.get(channel="email").body
    assert re.search(r"https?://[^ ]+/akun/bukan-saya/[^/\s]+/", body)
    assert participant.nik not in body


def test_no_contact_on_record_answers_like_no_match_and_points_to_assisted_verification(
    participant: Participant, nik: str
) -> None:
    participant.email, participant.phone = "", "0215551234"  # a landline cannot receive a code
    participant.save()
    no_contact, no_match = Client(), Client()
    first = start_activation(no_contact, nik)
    # The same typed data once the KPJ has an account: "no match", the page to compare with.
    participant.user = UserFactory.create()
    participant.save()
    second = start_activation(no_match, nik)
    assert first.status_code == second.status_code == 200
    html = first.content.decode()
    assert _visible(html) == _visible(second.content.decode())
    assert 'id="assisted-help"' in html
    assert "Datang ke kantor cabang" in html
    assert mail.outbox == []
    assert Outbox.objects.count() == 0
    assert PendingActivation.objects.count() == 0


def test_the_lost_contact_page_links_assisted_verification_and_the_branch(client: Client) -> None:
    response = client.get("/akun/aktivasi/bantuan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/akun/verifikasi/">' in html
    assert "Datang ke kantor cabang" in html


def test_code_page_offers_the_way_out_when_the_contact_is_lost(
    client: Client, participant: Participant, nik: str
) -> None:
    start_activation(client, nik)
    assert 'href="/akun/aktivasi/bantuan/"' in client.get(CODE_URL).content.decode()


def test_sms_only_record_sends_by_sms_and_offers_no_email(
    client: Client, participant: Participant, nik: str, settings: Any
) -> None:
    settings.SMS_SENDER = "fake"
    participant.email = ""
    participant.save()
    start_activation(client, nik, email=ATTACKER)
    pending = PendingActivation.objects.get()
    assert (pending.channel, pending.contact_email, pending.phone) == ("sms", "", "6281234567890")
    page = client.get(CODE_URL).content.decode()
    assert "Kirim kode baru lewat email" not in page
    assert "Kirim kode lewat SMS" in page
    assert not Outbox.objects.filter(recipient=ATTACKER).exists()


def test_contacts_on_record_selector() -> None:
    person = ParticipantFactory.create(email="Rec@Contoh.id", phone="0812-3456-7890")
    assert contacts_on_record(person) == [
        ContactOnRecord("email", "rec@contoh.id", "r***@contoh.id", "employer_import"),
        ContactOnRecord("phone", "6281234567890", "0812****90", "employer_import"),
    ]
    # A verified account email comes first; an unverified one is not a contact; no duplicates.
    user = UserFactory.create(email="akun@contoh.id")
    user.emailaddress_set.create(email="akun@contoh.id", verified=True, primary=True)
    user.emailaddress_set.create(email="baru@contoh.id", verified=False, primary=False)
    person.user = user
    person.email = "bukan-email"
    person.save()
    assert [(c.kind, c.value, c.source) for c in contacts_on_record(person)] == [
        ("email", "akun@contoh.id", "account"),
        ("phone", "6281234567890", "employer_import"),
    ]
    person.phone, person.user = "", None
    person.save()
    assert contacts_on_record(person) == []


def test_no_match_no_contact_and_match_spend_the_same_hashing_work(
    participant: Participant, nik: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing: every outcome of step 1 hashes the password exactly once (the slow part by far)."""
    from accounts import services

    calls: list[str] = []
    real = services.make_password

    def counting(password: str) -> str:
        calls.append(password)
        return real(password)

    monkeypatch.setattr(services, "make_password", counting)
    start_activation(Client(), nik, birth_date="1990-05-18")  # no match
    start_activation(Client(), nik)  # match, code sent
    participant.email, participant.phone = "", ""
    participant.save()
    start_activation(Client(), nik)  # match without a usable contact
    assert len(calls) == 3
    assert PendingActivation.objects.count() == 1
