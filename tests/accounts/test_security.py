import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.sessions.models import Session
from django.test import Client

from tests.accounts.conftest import dashboard_url
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/akun/login/"


def _totp_now(secret: str) -> str:
    counter = int(dt.datetime.now(tz=dt.UTC).timestamp()) // 30
    return format_hotp_value(hotp_value(secret, counter))


def _login(client: Client, email: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(LOGIN_URL, {"login": email, "password": password})


@pytest.mark.parametrize(
    "url", ["/akun/keamanan/", "/akun/2fa/", "/akun/sessions/", "/akun/password/change/"]
)
def test_anonymous_is_sent_to_login_from_account_pages(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={url}"


def test_logout_everywhere_needs_login_and_post(client: Client, owner_client: Client) -> None:
    response = client.post("/akun/keamanan/keluar-semua/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert owner_client.get("/akun/keamanan/keluar-semua/").status_code == 405


def test_security_page_has_the_logout_everywhere_button(owner_client: Client) -> None:
    response = owner_client.get("/akun/keamanan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post" action="/akun/keamanan/keluar-semua/">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="/akun/2fa/"' in html


def test_logout_everywhere_ends_the_sessions_on_other_devices() -> None:
    user = UserFactory()
    phone, laptop, stranger = Client(), Client(), Client()
    assert _login(phone, user.email).status_code == 302
    assert _login(laptop, user.email).status_code == 302
    other = UserFactory()
    assert _login(stranger, other.email).status_code == 302
    assert Session.objects.count() == 3

    response = laptop.post("/akun/keamanan/keluar-semua/")
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert "_auth_user_id" not in laptop.session
    response = phone.get("/akun/keamanan/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    # Another user's session is untouched.
    assert stranger.get("/akun/keamanan/").status_code == 200


def test_idle_session_times_out(settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    user = UserFactory()
    client = Client()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        assert _login(client, user.email).status_code == 302
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/akun/keamanan/").status_code == 200
        # Activity resets the clock.
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/akun/keamanan/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/akun/keamanan/", follow=True)
    assert response.redirect_chain[0] == (f"{LOGIN_URL}?next=/akun/keamanan/", 302)
    assert "Sesi Anda berakhir karena lama tidak aktif" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_totp_can_be_enabled_and_then_login_needs_the_second_step() -> None:
    user = UserFactory()
    client = Client()
    assert _login(client, user.email).status_code == 302
    # Changing two-step settings asks for the password again (allauth's reauthentication).
    response = client.get("/akun/2fa/totp/activate/")
    assert response.status_code == 302
    assert response.url.startswith("/akun/reauthenticate/")
    assert client.post("/akun/reauthenticate/", {"password": TEST_PASSWORD}).status_code == 302
    response = client.get("/akun/2fa/totp/activate/")
    assert response.status_code == 200
    secret = response.context["form"].secret
    assert "<script>" not in response.content.decode()
    response = client.post("/akun/2fa/totp/activate/", {"code": _totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1

    fresh = Client()
    response = _login(fresh, user.email)
    assert response.status_code == 302
    assert response.url == "/akun/2fa/authenticate/"
    assert "_auth_user_id" not in fresh.session
    response = fresh.post("/akun/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in fresh.session


def test_totp_second_step_with_the_right_code_logs_in() -> None:
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = Client()
    assert _login(client, user.email).url == "/akun/2fa/authenticate/"
    response = client.post("/akun/2fa/authenticate/", {"code": _totp_now(secret)})
    assert response.status_code == 302
    assert response.url == dashboard_url()
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    "url",
    [
        "/akun/password/reset/",
        "/akun/login/",
        "/akun/aktivasi/",
    ],
)
def test_anonymous_account_pages_use_the_portal_layout_without_inline_scripts(
    client: Client, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<html lang="id"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)


@pytest.mark.parametrize(
    "url", ["/akun/keamanan/", "/akun/2fa/", "/akun/sessions/", "/akun/password/change/", "/akun/logout/"]
)
def test_signed_in_account_pages_use_the_portal_layout_without_inline_scripts(
    owner_client: Client, url: str
) -> None:
    response = owner_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)
