"""Login throttling that strangers cannot turn against the owner (accounts.lockout, accounts.devices):
per (account, client) with growing delays, a known browser's own budget, one answer for everything."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory

from accounts.devices import account_tag
from participants.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/akun/login/"
WRONG = "salah-sekali-123"
GENERIC = "Email/NIK/nomor KPJ atau kata sandi salah, atau terlalu banyak percobaan."
PROXY = "10.0.0.2"  # HAProxy, as gunicorn sees it


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1


def _from(address: str) -> dict[str, str]:
    """What HAProxy passes on for a client at `address`: it appends the address it saw."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}


def _login(client: Client, login: str, password: str, address: str = "198.51.100.7") -> Any:
    return client.post(LOGIN_URL, {"login": login, "password": password}, **_from(address))


def _guess(login: str, password: str, address: str) -> Any:
    """One attempt as PortalLoginForm makes it (the adapter's authenticate), without the page."""
    request = RequestFactory().post(LOGIN_URL, **_from(address))
    with allauth_context.request_context(request):
        return get_adapter(request).authenticate(request, email=login, password=password)


def _signed_in(client: Client, user: User) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _body(response: Any) -> str:
    """The page without what differs on every render (CSRF token, CSP nonce)."""
    html = response.content.decode()
    html = re.sub(r"[A-Za-z0-9]{64}", "", html)  # the CSRF token, in the form and htmx's config
    return re.sub(r'nonce="[^"]+"', "", html)


@pytest.fixture
def owner_account(db: None) -> User:
    return UserFactory.create(email="pemilik@contoh.id")


@pytest.fixture
def known_browser(owner_account: User) -> Client:
    """The owner's phone: signed in once before (so it holds the device cookie), then signed out."""
    browser = Client()
    assert _login(browser, owner_account.email, TEST_PASSWORD, "203.0.113.50").status_code == 302
    assert settings.DEVICE_COOKIE_NAME in browser.cookies
    browser.post("/akun/logout/")
    assert not _signed_in(browser, owner_account)
    return browser


def test_a_thousand_addresses_never_lock_the_owner_out_of_a_known_browser(
    owner_account: User, known_browser: Client
) -> None:
    # The attack: a thousand addresses, a few guesses each (through the adapter the login form
    # calls, without the page around it; the last ones through the page).
    for n in range(997):
        assert _guess(owner_account.email, WRONG, f"100.64.{n // 256}.{n % 256}") is None
    attacker = Client()
    for n in range(997, 1000):
        response = _login(attacker, owner_account.email, WRONG, f"100.64.{n // 256}.{n % 256}")
        assert response.status_code == 200
        assert GENERIC in response.content.decode()
    assert not _signed_in(attacker, owner_account)
    # A fresh browser of the owner is held back with the others (untrusted clients share a budget)...
    fresh = Client()
    response = _login(fresh, owner_account.email, TEST_PASSWORD, "203.0.113.60")
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert not _signed_in(fresh, owner_account)
    # ... but the known browser signs in at once, from wherever it is now.
    response = _login(known_browser, owner_account.email, TEST_PASSWORD, "192.0.2.99")
    assert response.status_code == 302
    assert _signed_in(known_browser, owner_account)


def test_the_attackers_own_client_waits_longer_after_each_failure(owner_account: User) -> None:
    attacker = Client()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.LOGIN_FREE_FAILURES):
            assert _login(attacker, owner_account.email, WRONG).status_code == 200
        # 30 s after the fifth failure, then 60 s after the sixth, 120 s after the seventh:
        # before that, even the right password is refused (and answered like a wrong one).
        for wait in (30, 60, 120):
            clock.shift(dt.timedelta(seconds=wait - 1))
            response = _login(attacker, owner_account.email, TEST_PASSWORD)
            assert GENERIC in response.content.decode()
            assert not _signed_in(attacker, owner_account)
            clock.shift(dt.timedelta(seconds=1))
            assert GENERIC in _login(attacker, owner_account.email, WRONG).content.decode()
        clock.shift(dt.timedelta(seconds=240))
        assert _login(attacker, owner_account.email, TEST_PASSWORD).status_code == 302


def test_the_delays_stop_growing_at_the_maximum(settings: Any) -> None:
    from accounts.lockout import delay_seconds

    settings.LOGIN_DELAY_BASE, settings.LOGIN_DELAY_MAX = 30, 900
    assert [delay_seconds(failures=n, free=5) for n in (0, 4, 5, 6, 7, 9, 10, 500)] == [
        0, 0, 30, 60, 120, 480, 900, 900,
    ]  # fmt: skip


def test_a_throttled_attempt_looks_and_costs_like_a_wrong_password(
    owner_account: User, monkeypatch: Any
) -> None:
    from django.contrib.auth.hashers import MD5PasswordHasher

    hashed: list[str] = []
    original = MD5PasswordHasher.encode

    def spy(self: MD5PasswordHasher, password: str, salt: str) -> str:
        hashed.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", spy)
    client = Client()
    for _ in range(settings.LOGIN_FREE_FAILURES - 1):
        _login(client, owner_account.email, WRONG)
    hashed.clear()
    wrong = _login(client, owner_account.email, WRONG)
    wrong_hashes = len(hashed)
    hashed.clear()
    throttled = _login(client, owner_account.email, TEST_PASSWORD)
    assert wrong_hashes >= 1
    assert len(hashed) == wrong_hashes
    assert throttled.status_code == wrong.status_code == 200
    assert _body(throttled) == _body(wrong)
    # An unknown login, throttled or not, gives the very same page.
    unknown = Client()
    for _ in range(settings.LOGIN_FREE_FAILURES + 1):
        response = _login(unknown, owner_account.email.replace("pemilik", "tidak-ada"), WRONG)
    assert _body(response).replace("tidak-ada", "pemilik") == _body(wrong)


def test_a_known_browser_still_has_a_budget_of_its_own(owner_account: User, known_browser: Client) -> None:
    """The cookie chooses a budget, it grants no guesses: whoever holds the owner's phone is throttled
    on it, while the owner's other known browsers and the untrusted budget are untouched."""
    for _ in range(settings.LOGIN_FREE_FAILURES):
        _login(known_browser, owner_account.email, WRONG)
    response = _login(known_browser, owner_account.email, TEST_PASSWORD)
    assert GENERIC in response.content.decode()
    assert not _signed_in(known_browser, owner_account)
    laptop = Client()
    assert _login(laptop, owner_account.email, TEST_PASSWORD, "203.0.113.80").status_code == 302


def test_a_tampered_or_foreign_device_cookie_counts_as_an_unknown_client(owner_account: User) -> None:
    other = UserFactory(email="tetangga@contoh.id")
    browser = Client()
    assert _login(browser, other.email, TEST_PASSWORD).status_code == 302
    browser.post("/akun/logout/")
    # The neighbour's cookie is no device cookie of the owner's account: its failures on the owner's
    # account count against the address, like any stranger's.
    for _ in range(settings.LOGIN_FREE_FAILURES):
        _login(browser, owner_account.email, WRONG)
    assert GENERIC in _login(browser, owner_account.email, TEST_PASSWORD).content.decode()
    forged = Client()
    forged.cookies[settings.DEVICE_COOKIE_NAME] = (
        browser.cookies[settings.DEVICE_COOKIE_NAME].value[:-2] + "xx"
    )
    assert GENERIC in _login(forged, owner_account.email, TEST_PASSWORD).content.decode()
    assert not _signed_in(forged, owner_account)


def test_a_success_does_not_clear_the_shared_untrusted_budget(owner_account: User) -> None:
    stranger = Client()
    # 15 failures from strangers and 4 of the owner's: one short of the shared untrusted budget.
    for n in range(settings.LOGIN_ACCOUNT_FREE_FAILURES - settings.LOGIN_FREE_FAILURES):
        _guess(owner_account.email, WRONG, f"100.65.0.{n}")
    owner = Client()
    for _ in range(settings.LOGIN_FREE_FAILURES - 1):
        _login(owner, owner_account.email, WRONG, "203.0.113.9")
    assert _login(owner, owner_account.email, TEST_PASSWORD, "203.0.113.9").status_code == 302
    # The shared untrusted budget kept the failures: one more from anywhere and strangers wait.
    assert GENERIC in _login(stranger, owner_account.email, WRONG, "100.66.0.1").content.decode()
    assert _guess(owner_account.email, TEST_PASSWORD, "100.66.0.2") is None


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(
    settings: Any, owner_account: User
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    attacker = Client()
    for n in range(settings.LOGIN_FREE_FAILURES):
        attacker.post(
            LOGIN_URL,
            {"login": owner_account.email, "password": WRONG},
            REMOTE_ADDR="198.51.100.66",
            HTTP_X_FORWARDED_FOR=f"100.70.0.{n}",
        )
    response = attacker.post(
        LOGIN_URL,
        {"login": owner_account.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.66",
        HTTP_X_FORWARDED_FOR="100.70.1.1",
    )
    assert GENERIC in response.content.decode()
    assert not _signed_in(attacker, owner_account)


def test_failures_per_address_across_accounts_are_capped_per_minute(settings: Any, db: None) -> None:
    settings.LOGIN_FAILURES_PER_IP_MINUTE = 3
    victims = [UserFactory() for _ in range(4)]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC), tick=False) as clock:
        for victim in victims[:3]:
            assert _guess(victim.email, WRONG, "198.51.100.23") is None
        assert _guess(victims[3].email, TEST_PASSWORD, "198.51.100.23") is None
        assert _guess(victims[3].email, TEST_PASSWORD, "198.51.100.24") == victims[3]
        clock.shift(dt.timedelta(minutes=1))
        assert _guess(victims[3].email, TEST_PASSWORD, "198.51.100.23") == victims[3]


def test_counters_keep_no_email_or_address_in_the_clear(owner_account: User) -> None:
    _login(Client(), owner_account.email, WRONG, "198.51.100.77")
    keys = [key.decode() for key in cache._cache.get_client().keys("*")]
    assert any(account_tag(owner_account.email) in key for key in keys)
    assert not any(owner_account.email in key for key in keys)


def test_parallel_attempts_cannot_all_slip_through_when_a_wait_ends(owner_account: User) -> None:
    """Each attempt is counted before the next is checked (one atomic step in Redis): ten requests
    arriving together once the wait is over get one password check between them, not ten."""
    from accounts.lockout import login_attempt

    request = RequestFactory().post(LOGIN_URL, **_from("198.51.100.44"))
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(settings.LOGIN_FREE_FAILURES):
            assert login_attempt(request, account=owner_account.email).allowed
        assert not login_attempt(request, account=owner_account.email).allowed
        clock.shift(dt.timedelta(seconds=30))
        together = [login_attempt(request, account=owner_account.email).allowed for _ in range(10)]
    assert together == [True] + [False] * 9
