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

State lives in Redis (the Django cache's server): one hash (failures, last failure time) per budget.
An attempt is checked *and counted as a failure* in one atomic step (a Lua script) before the password
is checked, and given back if the password was right: parallel requests cannot all slip through the
moment a wait ends, each one is counted before the next is checked. Not a lock table in PostgreSQL: a
thousand addresses make no thousand rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from accounts.devices import account_tag, device_nonce
from accounts.ratelimit import client_ip, client_network

_MINUTE = 60

# KEYS: the budgets' hashes, then (untrusted clients) the address's per-minute counter.
# ARGV: now, base delay, maximum delay, forget after, per-minute limit (0: no counter), then each
# budget's free failures. Returns 1 and counts the attempt in every budget, or 0 and counts nothing.
_CHECK_AND_COUNT = """
local now, base, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local forget, per_minute = tonumber(ARGV[4]), tonumber(ARGV[5])
local budgets = #KEYS
if per_minute > 0 then budgets = budgets - 1 end
for i = 1, budgets do
  local state = redis.call('HMGET', KEYS[i], 'failures', 'last')
  if state[1] and state[2] then
    local failures, free = tonumber(state[1]), tonumber(ARGV[5 + i])
    if failures >= free then
      local wait = math.min(cap, base * 2 ^ math.min(failures - free, 30))
      if now < tonumber(state[2]) + wait then return 0 end
    end
  end
end
if per_minute > 0 and tonumber(redis.call('GET', KEYS[#KEYS]) or '0') >= per_minute then return 0 end
for i = 1, budgets do
  redis.call('HINCRBY', KEYS[i], 'failures', 1)
  redis.call('HSET', KEYS[i], 'last', ARGV[1])
  redis.call('EXPIRE', KEYS[i], forget)
end
if per_minute > 0 then
  redis.call('INCR', KEYS[#KEYS])
  redis.call('EXPIRE', KEYS[#KEYS], 120)
end
return 1
"""


@dataclass(frozen=True)
class LoginAttempt:
    """One login attempt. `allowed`: it may check the password, and is already counted as a failure
    in `budgets` (and `ip_key`); False while any budget makes the client wait (nothing counted)."""

    allowed: bool
    own: str  # this client's budget (a known browser's, or this address's for this account)
    shared: str  # the account's budget for untrusted clients; "" for a known browser
    ip_key: str  # the address's failures this minute across accounts; "" for a known browser


def _key(name: str) -> str:
    return cache.make_and_validate_key(f"accounts:{name}")


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
    """Check an attempt on `account` (a login email, or the placeholder of an unknown login) from this
    request's client and, if it may go ahead, count it as a failure until `login_succeeded` says
    otherwise. One round trip."""
    tag = account_tag(account)
    nonce = device_nonce(request, account=account)
    now = timezone.now().timestamp()
    if nonce is not None:
        own, shared, ip_key = _key(f"login:{tag}:dev:{nonce}"), "", ""
        budgets = [(own, int(settings.LOGIN_FREE_FAILURES))]
    else:
        network = client_network(client_ip(request))
        own, shared = _key(f"login:{tag}:ip:{network}"), _key(f"login:{tag}:untrusted")
        ip_key = _key(f"login-ip:{network}:{int(now) // _MINUTE}")
        budgets = [
            (own, int(settings.LOGIN_FREE_FAILURES)),
            (shared, int(settings.LOGIN_ACCOUNT_FREE_FAILURES)),
        ]
    keys = [key for key, _free in budgets] + ([ip_key] if ip_key else [])
    args = [
        repr(now),
        int(settings.LOGIN_DELAY_BASE),
        int(settings.LOGIN_DELAY_MAX),
        int(settings.LOGIN_THROTTLE_FORGET),
        int(settings.LOGIN_FAILURES_PER_IP_MINUTE) if ip_key else 0,
        *[free for _key_name, free in budgets],
    ]
    allowed = _redis().eval(_CHECK_AND_COUNT, len(keys), *keys, *args)  # type: ignore[attr-defined]
    return LoginAttempt(allowed=bool(allowed), own=own, shared=shared, ip_key=ip_key)


def login_succeeded(attempt: LoginAttempt) -> None:
    """The right password: this client's own budget starts again, and the attempt is taken back from
    the shared and per-minute counts. The shared budget's earlier failures stay (a success in between
    must not reset an attack spread over other addresses)."""
    pipe = _redis().pipeline(transaction=True)  # type: ignore[attr-defined]
    pipe.delete(attempt.own)
    if attempt.shared:
        pipe.hincrby(attempt.shared, "failures", -1)
    if attempt.ip_key:
        pipe.decr(attempt.ip_key)
    pipe.execute()


def login_unlock(request: HttpRequest, *, account: str) -> None:
    """The owner proved a code sent to a contact on record: clear the account's untrusted budget
    and the requesting client's own. The other addresses' budgets stay: they are the attackers'."""
    tag = account_tag(account)
    network = client_network(client_ip(request))
    _redis().delete(  # type: ignore[attr-defined]
        _key(f"login:{tag}:untrusted"), _key(f"login:{tag}:ip:{network}")
    )
