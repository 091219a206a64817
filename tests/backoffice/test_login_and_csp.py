"""Staff sign in to the admin with password AND TOTP (mandatory), through allauth with the login throttle;
the admin has its own CSP, participant pages keep the strict one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from tests.backoffice.conftest import TOTP_SECRET, make_staff, staff_client
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_cache")]

LOGIN_URL = "/akun/login/"


def totp_now(secret: str = TOTP_SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(dt.datetime.now(tz=dt.UTC).timestamp()) // 30))


def test_admin_login_page_sends_staff_to_the_allauth_login() -> None:
    response = Client().get("/admin/login/?next=/admin/claims/claim/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=%2Fadmin%2Fclaims%2Fclaim%2F"
    # An off-site next is dropped.
    response = Client().get("/admin/login/?next=https://evil.example/")
    assert response.url == f"{LOGIN_URL}?next=%2Fadmin%2F"


def test_anonymous_admin_goes_to_login() -> None:
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_staff_logs_in_with_password_then_totp_and_reaches_the_admin(jkt: Any) -> None:
    user = make_staff("reviewer", jkt)
    client = Client()
    response = client.post(LOGIN_URL, {"login": user.email, "password": TEST_PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response.url == "/akun/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still anonymous
    response = client.post("/akun/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/akun/2fa/authenticate/", {"code": totp_now()})
    assert response.status_code == 302
    assert response.url == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Portal Peserta — Back office" in response.content.decode()


def test_staff_without_next_lands_on_the_admin_after_totp(jkt: Any) -> None:
    """Staff used to land on the participant dashboard (/peserta/) after TOTP."""
    user = make_staff("reviewer", jkt)
    client = Client()
    client.post(LOGIN_URL, {"login": user.email, "password": TEST_PASSWORD})
    response = client.post("/akun/2fa/authenticate/", {"code": totp_now()})
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_staff_without_totp_must_set_it_up_before_the_admin(jkt: Any) -> None:
    user = make_staff("reviewer", jkt, totp=False)
    client = Client()
    response = client.post(LOGIN_URL, {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    for url in ("/admin/", "/admin/claims/claim/", "/admin/participants/participant/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == "/akun/2fa/totp/activate/"


def test_password_only_session_is_ended_at_the_admin(jkt: Any) -> None:
    user = make_staff("reviewer", jkt)
    client = Client()
    client.force_login(user)  # a session without the TOTP step
    response = client.get("/admin/claims/claim/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=%2Fadmin%2Fclaims%2Fclaim%2F"
    assert "_auth_user_id" not in client.session


def test_staff_login_is_throttled_after_five_failures(jkt: Any) -> None:
    user = make_staff("reviewer", jkt)
    client = Client()
    for _ in range(5):
        assert client.post(LOGIN_URL, {"login": user.email, "password": "salah-sekali-1"}).status_code == 200
    response = client.post(LOGIN_URL, {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "atau terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_has_its_own_csp_without_inline_scripts(reviewer: Any) -> None:
    response = staff_client(reviewer).get("/admin/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'", "'unsafe-eval'"]
    assert "'unsafe-inline'" not in script_src
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy


def test_participant_pages_keep_the_strict_csp(owner_client: Client) -> None:
    for url in ("/", "/akun/login/", "/peserta/"):
        policy = owner_client.get(url)["Content-Security-Policy"]
        assert "unsafe-eval" not in policy
        assert "unsafe-inline" not in policy
        assert "style-src 'self';" in policy
        script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src")).split()
        assert script_src[:2] == ["script-src", "'self'"]
        assert all(token.startswith("'nonce-") for token in script_src[2:])
