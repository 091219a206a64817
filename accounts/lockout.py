"""Login throttling per (account, client) with growing delays, which strangers cannot turn against
the owner.

A failed password counts against the account *and the client it came from*:

- a browser holding the account's device cookie (accounts.devices) has a budget of its own, which no
  failure from anywhere else touches: the owner's known browser is never locked by an attacker;
- any other client counts per (account, client address), and all of them together against one
  per-account budget for untrusted clients (a botnet spreading guesses over many addresses), and per
  address across accounts per minute (credential stuffing).

Each budget allows LOGIN_FREE_FAILURES (per client) or LOGIN_ACCOUNT_FREE_FAILURES (per account)
failures; after that every further failure makes the next attempt wait LOGIN_DELAY_BASE seconds,
doubled per failure up to LOGIN_DELAY_MAX. An attempt during a wait is refused without checking the
password and without counting, with the same message and the same password-hashing cost as a wrong
password (accounts.adapter): the answer never says whether an account exists or is throttled.
Counters are forgotten LOGIN_THROTTLE_FORGET seconds after their last failure; a success clears the
client's own counter; an unlock code (accounts.unlock) clears the account's untrusted budget and the
unlocking client's, and gives that browser a device cookie.

State lives in Redis (the Django cache's server): one hash (failures, last failure time) per budget,
one round trip to check an attempt and one to record a failure. Not a lock table in PostgreSQL: a
thousand addresses make no thousand rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from accounts.devices import account_tag, device_nonce
from accounts.ratelimit import client_ip, client_network

_MINUTE = 60


@dataclass(frozen=True)
class LoginAttempt:
    """One login attempt's budgets. `allowed` is False while any of them makes the client wait."""

    account: str  # accounts.devices.account_tag of the login email
    client: str  # "dev:<nonce>" for a known browser, "ip:<address or /64>" otherwise
    network: str
    trusted: bool
    allowed: bool

    def budgets(self) -> list[tuple[str, int]]:
        """(Redis key, free failures) of the budgets this attempt counts against."""
        own = (_key(f"login:{self.account}:{self.client}"), int(settings.LOGIN_FREE_FAILURES))
        if self.trusted:
            return [own]
        shared = (_key(f"login:{self.account}:untrusted"), int(settings.LOGIN_ACCOUNT_FREE_FAILURES))
        return [own, shared]


def _key(name: str) -> str:
    return cache.make_and_validate_key(f"accounts:{name}")


def _ip_key(network: str) -> str:
    return _key(f"login-ip:{network}:{int(timezone.now().timestamp()) // _MINUTE}")


def _redis() -> object:
    return cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]


def delay_seconds(*, failures: int, free: int) -> int:
    """How long the client waits after `failures` failures in a budget allowing `free`: nothing
    below `free`, then LOGIN_DELAY_BASE doubled per failure past it, at most LOGIN_DELAY_MAX."""
    if failures < free:
        return 0
    base, cap = int(settings.LOGIN_DELAY_BASE), int(settings.LOGIN_DELAY_MAX)
    return min(cap, base * 2 ** min(failures - free, 30))


def login_attempt(request: HttpRequest, *, account: str) -> LoginAttempt:
    """The budgets of an attempt on `account` (a login email, or the placeholder of an unknown
    login) from this request's client, and whether it may go ahead now."""
    tag = account_tag(account)
    nonce = device_nonce(request, account=account)
    network = client_network(client_ip(request))
    attempt = LoginAttempt(
        account=tag,
        client=f"dev:{nonce}" if nonce else f"ip:{network}",
        network=network,
        trusted=nonce is not None,
        allowed=True,
    )
    pipe = _redis().pipeline(transaction=False)  # type: ignore[attr-defined]
    keys = attempt.budgets()
    for key, _free in keys:
        pipe.hmget(key, "failures", "last")
    if not attempt.trusted:
        pipe.get(_ip_key(network))
    results = pipe.execute()
    now = timezone.now().timestamp()
    allowed = True
    for (_key_name, free), (failures, last) in zip(keys, results[: len(keys)], strict=True):
        if failures is not None and last is not None:
            wait = delay_seconds(failures=int(failures), free=free)
            allowed = allowed and now >= float(last) + wait
    if not attempt.trusted and results[-1] is not None:
        allowed = allowed and int(results[-1]) < int(settings.LOGIN_FAILURES_PER_IP_MINUTE)
    return replace(attempt, allowed=allowed)


def login_failed(attempt: LoginAttempt) -> None:
    """Count a wrong password against the attempt's budgets (one round trip)."""
    now = timezone.now().timestamp()
    forget = int(settings.LOGIN_THROTTLE_FORGET)
    pipe = _redis().pipeline(transaction=True)  # type: ignore[attr-defined]
    for key, _free in attempt.budgets():
        pipe.hincrby(key, "failures", 1)
        pipe.hset(key, "last", repr(now))
        pipe.expire(key, forget)
    if not attempt.trusted:
        ip_key = _ip_key(attempt.network)
        pipe.incr(ip_key)
        pipe.expire(ip_key, 2 * _MINUTE)
    pipe.execute()


def login_succeeded(attempt: LoginAttempt) -> None:
    """The right password: this client's own budget starts again. The account's untrusted budget
    does not (a success in between must not reset an attack spread over other addresses)."""
    _redis().delete(_key(f"login:{attempt.account}:{attempt.client}"))  # type: ignore[attr-defined]


def login_unlock(request: HttpRequest, *, account: str) -> None:
    """The owner proved a code sent to a contact on record: clear the account's untrusted budget
    and the requesting client's own. The other addresses' budgets stay: they are the attackers'."""
    tag = account_tag(account)
    network = client_network(client_ip(request))
    _redis().delete(  # type: ignore[attr-defined]
        _key(f"login:{tag}:untrusted"), _key(f"login:{tag}:ip:{network}")
    )
