import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from participants.models import Participant
from tests.accounts.conftest import dashboard_url
from tests.factories import TEST_PASSWORD, ParticipantFactory, StaffFactory, UserFactory, make_nik

pytestmark = pytest.mark.django_db

LOGIN_URL = "/akun/login/"
GENERIC = "Email/NIK/nomor KPJ atau kata sandi salah, atau terlalu banyak percobaan."


@pytest.fixture
def linked(db: None) -> Participant:
    import datetime as dt

    nik = make_nik(birth_date=dt.date(1988, 2, 3), sex="P", serial=77)
    return ParticipantFactory.create(
        nik=nik, kpj="22222222222", birth_date=dt.date(1988, 2, 3), sex="P", user=UserFactory()
    )


def test_login_page_is_accessible_with_the_public_field_names(client: Client) -> None:
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Masuk ke Portal Peserta</h1>" in html
    assert '<label for="id_login">Email, NIK atau nomor KPJ</label>' in html
    assert 'name="login"' in html
    assert 'name="password"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="/akun/aktivasi/"' in html
    assert 'href="/akun/buka-kunci/"' in html
    assert "<script>" not in html
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_login_url_setting_points_at_the_allauth_login() -> None:
    assert settings.LOGIN_URL == "account_login"


def test_login_by_email(client: Client, linked: Participant) -> None:
    response = client.post(LOGIN_URL, {"login": linked.user.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == dashboard_url()
    assert client.session["_auth_user_id"] == str(linked.user_id)


def test_login_by_nik(client: Client, linked: Participant) -> None:
    response = client.post(LOGIN_URL, {"login": linked.nik, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(linked.user_id)


def test_login_by_kpj(client: Client, linked: Participant) -> None:
    response = client.post(LOGIN_URL, {"login": " 22222222222 ", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(linked.user_id)


@pytest.mark.parametrize(
    "login",
    ["tidak-ada@contoh.id", "3171010101900001", "99999999999", "bukan-apa-apa", "KNOWN_EMAIL"],
)
def test_every_failure_shows_the_same_message(client: Client, linked: Participant, login: str) -> None:
    if login == "KNOWN_EMAIL":
        login = linked.user.email
    response = client.post(LOGIN_URL, {"login": login, "password": "salah-sekali-123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert GENERIC in html
    assert "_auth_user_id" not in client.session


def test_unknown_login_costs_the_same_password_hashing_as_a_wrong_password(
    client: Client, linked: Participant, monkeypatch: Any
) -> None:
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls: list[str] = []
    original = MD5PasswordHasher.encode

    def spy(self: MD5PasswordHasher, password: str, salt: str) -> str:
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", spy)
    client.post(LOGIN_URL, {"login": linked.kpj, "password": "salah-sekali-123"})
    known = len(calls)
    calls.clear()
    client.post(LOGIN_URL, {"login": "99999999999", "password": "salah-sekali-123"})
    assert known >= 1
    assert len(calls) == known


def test_failed_nik_login_never_stores_the_nik(client: Client, linked: Participant) -> None:
    from django.core.cache import cache

    client.post(LOGIN_URL, {"login": linked.nik, "password": "salah-sekali-123"})
    client.post(LOGIN_URL, {"login": "3171010101900001", "password": "salah-sekali-123"})
    keys = [key.decode() for key in cache._cache.get_client().keys("*")]
    assert any(":accounts:login:" in key for key in keys)
    assert all(linked.nik not in key and "3171010101900001" not in key for key in keys)
    assert all(linked.user.email not in key for key in keys)


def test_throttle_after_five_failures_even_with_the_right_password(
    client: Client, linked: Participant
) -> None:
    for _ in range(5):
        response = client.post(LOGIN_URL, {"login": linked.kpj, "password": "salah-sekali-123"})
        assert response.status_code == 200
    # Email, NIK and KPJ are one account to the throttle; the answer is the wrong-password one.
    response = client.post(LOGIN_URL, {"login": linked.user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_ends_after_the_delay(client: Client, linked: Participant) -> None:
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(5):
            client.post(LOGIN_URL, {"login": linked.kpj, "password": "salah-sekali-123"})
        traveller.shift(dt.timedelta(seconds=30))
        response = client.post(LOGIN_URL, {"login": linked.kpj, "password": TEST_PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(linked.user_id)


def test_admin_login_form_is_replaced_by_the_portal_login(client: Client, db: None) -> None:
    """The admin's own password form has no second factor: it only redirects to allauth's login
    (password, then TOTP for staff; the login throttle there — see tests/backoffice/test_login_and_csp.py)."""
    staff = StaffFactory(is_superuser=True)
    url = f"/{settings.ADMIN_URL}login/"
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == "/akun/login/?next=%2Fadmin%2F"
    response = client.post(url, {"username": staff.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/akun/login/")
    assert "_auth_user_id" not in client.session


def test_signup_is_closed_and_points_to_activation(client: Client, db: None) -> None:
    response = client.get("/akun/signup/")
    assert response.status_code == 200
    assert 'href="/akun/aktivasi/"' in response.content.decode()


def test_logout_needs_post_and_ends_the_session(owner_client: Client) -> None:
    response = owner_client.get("/akun/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" in owner_client.session
    response = owner_client.post("/akun/logout/")
    assert response.status_code == 302
    assert response.url == "/"
    assert "_auth_user_id" not in owner_client.session


def test_header_shows_post_logout_form_when_signed_in(owner_client: Client) -> None:
    html = owner_client.get("/").content.decode()
    assert re.search(r'<form method="post" action="/akun/logout/"', html)
    assert 'href="/akun/keamanan/"' in html
