"""A fixed-window counter in Redis (the Django cache's server), for activation attempts, logins, the
SMS service and uploads, and the client address every per-client limit keys on. Here, in the bottom
layer, so that `portal.uploads` can count too; the apps import it as `accounts.ratelimit`."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def ratelimit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False when this attempt is over `limit` in the current window.

    Every attempt counts, allowed or not, so hammering past the limit keeps the window full.
    One round trip: INCR and EXPIRE NX in a transaction (the window starts with the first attempt).
    The cache is always Redis (Django's `RedisCache`, settings.CACHES), also in tests.
    """
    full_key = cache.make_and_validate_key(f"accounts:rl:{key}")
    client = cache._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=True)
    pipe.incr(full_key)
    pipe.expire(full_key, window_seconds, nx=True)
    count, _ = pipe.execute()
    return int(count) <= limit


def client_ip(request: HttpRequest, *, default: str = "unknown") -> str:
    """The client's address, as the nearest of TRUSTED_PROXY_COUNT proxies saw it.

    With no trusted proxy only REMOTE_ADDR counts: a client could otherwise pick any address by
    sending its own X-Forwarded-For. Each proxy appends the address it received the request from, so
    behind N proxies the client is the N-th entry from the right; what a client wrote itself is left
    of it and ignored. A request that passed fewer proxies than configured (a health check, a proxy
    bypassed inside the network) gets the left-most entry, which a trusted proxy wrote. Anything that
    is not an IP address falls back to REMOTE_ADDR; `default` if even that is missing.
    """
    count = int(settings.TRUSTED_PROXY_COUNT)
    if count > 0:
        hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            candidate = _clean_ip(hops[-min(count, len(hops))])
            if candidate:
                return candidate
    return _clean_ip(request.META.get("REMOTE_ADDR", "")) or default


def client_network(ip: str) -> str:
    """What a per-client limit counts: the IPv4 address, or the /64 of an IPv6 address (one
    subscriber's whole allocation: per address, a single phone could try 2^64 times)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)


def _clean_ip(value: str) -> str:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""
