"""The JHT balance extension and the participant's switch and log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from participants.ledger.models import JhtBalance
from partners import demo
from partners.models import BalanceLookup, BalanceOptOut, LookupOutcome
from partners.signatures import minify, nik_hash
from tests.factories import ParticipantFactory
from tests.partners.conftest import SnapClient

pytestmark = pytest.mark.django_db
PATH = "/snap/v1.0/jht/balance-inquiry"


def _ask(snap: SnapClient, kpj: str, hashed: str) -> Any:
    return snap.post(PATH, minify({"customerNo": kpj, "additionalInfo": {"hashedNik": hashed}}))


@pytest.fixture
def person(owner: Any) -> Any:
    participant = ParticipantFactory(user=owner, full_name="Rina Marlina")
    JhtBalance.objects.create(account=participant, balance_idr=12_345_678, worker_idr=12_345_678)
    return participant


def test_balance_answered_when_the_nik_hash_matches(frozen: Any, snap: SnapClient, person: Any) -> None:
    response = _ask(snap, person.kpj, nik_hash(secret=demo.SECRET, nik=person.nik))
    assert response.status_code == 200
    assert response.json() == {
        "responseCode": "2009100",
        "responseMessage": "Successful",
        "customerNo": person.kpj,
        "customerName": "Ri** Ma*****",
        "balance": {"value": "12345678.00", "currency": "IDR"},
        "asOf": "2026-03-10T10:00:00+07:00",
    }
    lookup = BalanceLookup.objects.get()
    assert (lookup.participant, lookup.outcome) == (person, LookupOutcome.ANSWERED)


def test_wrong_nik_and_unknown_kpj_get_the_same_answer(frozen: Any, snap: SnapClient, person: Any) -> None:
    wrong = _ask(snap, person.kpj, nik_hash(secret=demo.SECRET, nik="3171010101900001"))
    unknown = _ask(snap, "99999999999", nik_hash(secret=demo.SECRET, nik=person.nik))
    assert (wrong.status_code, wrong.json()) == (
        404,
        {"responseCode": "4049111", "responseMessage": "Invalid Card/Account/Customer/Virtual Account"},
    )
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())
    # Hashed with another key (not this partner's secret): no match either.
    other_key = _ask(snap, person.kpj, nik_hash(secret="someone-else", nik=person.nik))
    assert other_key.status_code == 404
    assert list(BalanceLookup.objects.values_list("outcome", flat=True)) == [LookupOutcome.NIK_MISMATCH] * 2


def test_switched_off_by_the_participant(frozen: Any, snap: SnapClient, person: Any) -> None:
    BalanceOptOut.objects.create(participant=person)
    response = _ask(snap, person.kpj, nik_hash(secret=demo.SECRET, nik=person.nik))
    assert (response.status_code, response.json()["responseCode"]) == (403, "4039101")
    assert "balance" not in response.json()
    assert BalanceLookup.objects.get().outcome == LookupOutcome.SWITCHED_OFF


def test_bad_input(frozen: Any, snap: SnapClient, person: Any) -> None:
    assert _ask(snap, person.kpj, "ABC").json()["responseCode"] == "4009101"
    missing = snap.post(PATH, minify({"customerNo": person.kpj}))
    assert (missing.status_code, missing.json()["responseCode"]) == (400, "4009102")
    assert BalanceLookup.objects.count() == 0


def test_balance_needs_the_service(frozen: Any, snap: SnapClient, person: Any, partner: Any) -> None:
    partner.services = ["va"]
    partner.save()
    response = _ask(snap, person.kpj, nik_hash(secret=demo.SECRET, nik=person.nik))
    assert (response.status_code, response.json()["responseCode"]) == (403, "4039101")
    assert BalanceLookup.objects.count() == 0


# --- the participant's page ----------------------------------------------------------------------


def test_participant_switches_off_and_sees_who_asked(owner_client: Client, person: Any, partner: Any) -> None:
    BalanceLookup.objects.create(participant=person, partner=partner, outcome=LookupOutcome.ANSWERED)
    page = owner_client.get("/akun/mitra/saldo/")
    assert page.status_code == 200
    assert "Status: aktif." in page.content.decode()
    assert "Bank Demo" in page.content.decode()
    response = owner_client.post("/akun/mitra/saldo/", {"enabled": "0"})
    assert response.status_code == 302
    assert BalanceOptOut.objects.filter(participant=person).exists()
    assert "Status: dimatikan." in owner_client.get("/akun/mitra/saldo/").content.decode()
    fragment = owner_client.post("/akun/mitra/saldo/", {"enabled": "1"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert not BalanceOptOut.objects.exists()


def test_participant_page_refuses_unknown_choice_and_anonymous(owner_client: Client, person: Any) -> None:
    response = owner_client.post("/akun/mitra/saldo/", {"enabled": "maybe"})
    assert response.status_code == 400
    assert not BalanceOptOut.objects.exists()
    anonymous = Client().get("/akun/mitra/saldo/")
    assert anonymous.status_code == 302
    assert "/akun/login/" in anonymous["Location"]


def test_another_participant_sees_only_their_own_lookups(
    client: Client, person: Any, partner: Any, other_participant: Any
) -> None:
    BalanceLookup.objects.create(participant=person, partner=partner, outcome=LookupOutcome.ANSWERED)
    client.force_login(other_participant)  # a user with no KPJ of this person
    page = client.get("/akun/mitra/saldo/").content.decode()
    assert "Belum ada mitra yang menanyakan saldo Anda." in page
    assert person.kpj not in page


def test_preferences_page_links_to_the_switch(owner_client: Client) -> None:
    assert 'href="/akun/mitra/saldo/"' in owner_client.get("/akun/notifikasi/").content.decode()
