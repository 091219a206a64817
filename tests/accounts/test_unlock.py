"""Unlock at once with a code sent to the contacts on record (accounts.unlock, accounts.views_unlock)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from notifications.models import Outbox
from participants.models import Participant
from tests.accounts.test_lockout import GENERIC, WRONG, _body, _from, _guess, _login, _signed_in
from tests.factories import TEST_PASSWORD, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

UNLOCK_URL = "/akun/buka-kunci/"
CODE_URL = "/akun/buka-kunci/kode/"
SENT = "Jika data yang Anda masukkan cocok dengan akun, kami sudah mengirim kode 6 angka"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def member(db: None) -> Participant:
    """A participant with an online account and a phone on record."""
    user = UserFactory.create(email="anggota@contoh.id")
    return ParticipantFactory.create(user=user, phone="081234567890", kpj="23010000011")


def _attack(account: str) -> None:
    """Enough failures from strangers' addresses to hold back every untrusted client."""
    for n in range(settings.LOGIN_ACCOUNT_FREE_FAILURES + 5):
        _guess(account, WRONG, f"100.64.1.{n}")


def _ask(client: Client, login: str, address: str = "203.0.113.60") -> Any:
    return client.post(UNLOCK_URL, {"login": login}, **_from(address))


def _code(outbox: Outbox) -> str:
    match = re.search(r"^\s+(\d{6})\s*$", outbox.body, re.MULTILINE)
    assert match is not None, outbox.body
    return match.group(1)


def test_the_owner_signs_in_from_a_fresh_browser_after_the_unlock_code(member: Participant) -> None:
    user = member.user
    assert user is not None
    _attack(user.email)
    fresh = Client()
    assert GENERIC in _login(fresh, user.email, TEST_PASSWORD, "203.0.113.60").content.decode()

    response = _ask(fresh, member.kpj)  # by KPJ: the same account
    assert response.status_code == 302
    assert response.url == CODE_URL
    rows = Outbox.objects.filter(event="login_unlock_code").order_by("channel")
    assert [(row.channel, row.recipient) for row in rows] == [
        ("email", "anggota@contoh.id"),
        ("sms", "6281234567890"),
    ]
    assert mail.outbox == []  # queued for the worker, nothing sent inside the request
    code = _code(rows[0])
    assert code in rows[1].body

    response = fresh.post(CODE_URL, {"code": code}, **_from("203.0.113.60"))
    assert response.status_code == 302
    assert response.url == "/akun/login/"
    assert settings.DEVICE_COOKIE_NAME in fresh.cookies
    # The attack goes on; the unlocked browser is a known device now and signs in.
    _attack(user.email)
    response = _login(fresh, user.email, TEST_PASSWORD, "203.0.113.61")
    assert response.status_code == 302
    assert _signed_in(fresh, user)


def test_the_page_answers_alike_for_unknown_logins(member: Participant) -> None:
    known, unknown = Client(), Client()
    first = _ask(known, member.user.email)
    second = _ask(unknown, "tidak-ada@contoh.id", "203.0.113.61")
    assert (first.status_code, first.url) == (second.status_code, second.url) == (302, CODE_URL)
    assert _body(known.get(CODE_URL)) == _body(unknown.get(CODE_URL))
    assert SENT in known.get(CODE_URL).content.decode()
    assert Outbox.objects.filter(event="login_unlock_code").count() == 2  # the member's email and SMS
    assert not Outbox.objects.exclude(recipient__in=["anggota@contoh.id", "6281234567890"]).exists()
    # No code opens the unknown one.
    response = unknown.post(CODE_URL, {"code": "123456"}, **_from("203.0.113.61"))
    assert "Kode salah" in response.content.decode()


def test_staff_get_the_code_at_their_account_email(db: None) -> None:
    staff = UserFactory(email="petugas@contoh.id", is_staff=True)
    _ask(Client(), staff.email)
    row = Outbox.objects.get(event="login_unlock_code")
    assert (row.channel, row.recipient, row.sensitive) == ("email", "petugas@contoh.id", True)


def test_a_wrong_code_changes_nothing_and_five_void_the_request(member: Participant) -> None:
    user = member.user
    _attack(user.email)
    browser = Client()
    _ask(browser, user.email)
    code = _code(Outbox.objects.filter(event="login_unlock_code", channel="email").get())
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.ACTIVATION_CODE_MAX_ATTEMPTS):
        response = browser.post(CODE_URL, {"code": wrong}, **_from("203.0.113.60"))
        assert response.status_code == 200
        assert "Kode salah" in response.content.decode()
        assert settings.DEVICE_COOKIE_NAME not in browser.cookies
    response = browser.post(CODE_URL, {"code": code}, **_from("203.0.113.60"))
    assert response.status_code == 302
    assert response.url == UNLOCK_URL
    assert settings.DEVICE_COOKIE_NAME not in browser.cookies
    assert GENERIC in _login(browser, user.email, TEST_PASSWORD, "203.0.113.60").content.decode()


def test_a_code_works_once_and_a_strangers_requests_void_nothing(member: Participant) -> None:
    user = member.user
    owner = Client()
    _ask(owner, user.email)
    code = _code(Outbox.objects.get(event="login_unlock_code", channel="email"))
    # A stranger asks for codes for the same account meanwhile: the owner's code stays good.
    for n in range(settings.UNLOCK_RATE_PER_ACCOUNT):
        _ask(Client(), user.email, f"100.64.2.{n}")
    assert owner.post(CODE_URL, {"code": code}, **_from("203.0.113.60")).status_code == 302
    response = owner.post(CODE_URL, {"code": code}, **_from("203.0.113.60"))
    assert response.status_code == 302
    assert response.url == UNLOCK_URL  # the token left the session with its use


def test_requests_for_codes_are_limited_per_client_and_per_account(
    settings: Any, member: Participant
) -> None:
    settings.UNLOCK_RATE_PER_ACCOUNT, settings.UNLOCK_RATE_PER_ACCOUNT_CEILING = 2, 3
    user = member.user
    client = Client()
    assert _ask(client, user.email).status_code == 302
    assert _ask(client, user.email).status_code == 302
    response = _ask(client, user.email)
    assert response.status_code == 200
    assert "Terlalu banyak permintaan kode buka kunci" in response.content.decode()
    # Another client still may, until the account's ceiling.
    assert _ask(Client(), user.email, "198.51.100.1").status_code == 302
    assert _ask(Client(), user.email, "198.51.100.2").status_code == 200
    assert Outbox.objects.filter(event="login_unlock_code", channel="email").count() == 3
    # Unknown logins count alike, so the limit tells nothing either.
    stranger = Client()
    answers = [_ask(stranger, "tidak-ada@contoh.id", "198.51.100.3").status_code for _ in range(3)]
    assert answers == [302, 302, 200]


def test_the_code_page_needs_a_request_first(client: Client) -> None:
    response = client.get(CODE_URL)
    assert response.status_code == 302
    assert response.url == UNLOCK_URL


def test_the_unlock_page_is_accessible_and_needs_no_script(client: Client) -> None:
    response = client.get(UNLOCK_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Akun terkunci? Kirim kode buka kunci</h1>" in html
    assert '<label for="id_login">Email, NIK atau nomor KPJ</label>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)


def test_the_unlock_pages_speak_english_when_chosen(client: Client, settings: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<h1>Account locked? Send an unlock code</h1>" in client.get(UNLOCK_URL).content.decode()
    response = client.post("/akun/login/", {"login": "x@contoh.id", "password": WRONG})
    assert "Wrong email/NIK/KPJ number or password, or too many attempts." in response.content.decode()
