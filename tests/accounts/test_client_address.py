"""The client address behind proxies (accounts.ratelimit.client_ip, TRUSTED_PROXY_COUNT) and the
`check --deploy` warning when production leaves the count at its default (accounts.checks)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from accounts.checks import trusted_proxy_count_check
from accounts.ratelimit import client_ip, client_network
from tests.portal.settings_loader import UNSET, load_settings, production_environment


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        # Nothing trusted: the socket address, whatever the client wrote.
        (0, "198.51.100.1", "1.2.3.4", "198.51.100.1"),
        # One proxy (HAProxy): the address it appended; what the client wrote before it is ignored.
        (1, "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
        # A load balancer, then HAProxy: the second address from the right.
        (2, "10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        # Fewer hops than proxies (a request from inside): the left-most, which a proxy wrote.
        (2, "10.0.0.2", "10.0.0.7", "10.0.0.7"),
        # No header, or garbage in it: the socket address.
        (1, "10.0.0.2", None, "10.0.0.2"),
        (1, "10.0.0.2", "bukan-alamat", "10.0.0.2"),
        (1, "10.0.0.2", "203.0.113.9:51000", "203.0.113.9"),
        (1, "10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
    ],
)
def test_client_ip(settings: Any, count: int, remote: str, forwarded: str | None, expected: str) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(remote, forwarded)) == expected


def test_a_request_without_any_address_gets_the_default(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    assert client_ip(request) == "unknown"
    assert client_ip(request, default="") == ""


def test_an_ipv6_client_counts_as_its_whole_64() -> None:
    assert client_network("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert client_network("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_network("203.0.113.9") == "203.0.113.9"


def _production(settings: Any, *, proxy_header: bool, count_set: bool) -> None:
    settings.DEBUG = False
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if proxy_header else None
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_COUNT_SET = count_set


def test_the_deploy_check_warns_when_production_leaves_the_count_unset(settings: Any) -> None:
    _production(settings, proxy_header=True, count_set=False)
    messages = trusted_proxy_count_check()
    assert [(m.id, m.level) for m in messages] == [("accounts.W001", 30)]
    assert "TRUSTED_PROXY_COUNT" in messages[0].msg
    with pytest.raises(SystemCheckError, match=r"accounts\.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


@pytest.mark.parametrize(
    ("debug", "proxy_header", "count_set"),
    [(False, True, True), (False, False, False), (True, True, False)],
)
def test_the_deploy_check_is_quiet_otherwise(
    settings: Any, debug: bool, proxy_header: bool, count_set: bool
) -> None:
    _production(settings, proxy_header=proxy_header, count_set=count_set)
    settings.DEBUG = debug
    assert trusted_proxy_count_check() == []


@pytest.mark.parametrize(("value", "count", "is_set"), [(UNSET, 0, False), ("1", 1, True), ("0", 0, True)])
def test_production_settings_know_whether_the_count_was_given(value: str, count: int, is_set: bool) -> None:
    s = load_settings(production_environment(TRUSTED_PROXY_COUNT=value))
    assert (
        count,
        is_set,
        count,
    ) == (s.TRUSTED_PROXY_COUNT, s.TRUSTED_PROXY_COUNT_SET, s.ALLAUTH_TRUSTED_PROXY_COUNT)
    # The device cookie is host-only and secure in production.
    assert (s.DEVICE_COOKIE_NAME, s.SESSION_COOKIE_SECURE) == ("__Host-portal_device", True)
