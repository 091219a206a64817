"""A fixed-window counter in Redis (the Django cache's server), for activation attempts and the SMS
service."""

from __future__ import annotations

from django.core.cache import cache


def ratelimit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False when this attempt is over `limit` in the current window.

    Every attempt counts, allowed or not, so hammering past the limit keeps the window full.
    One round trip: INCR and EXPIRE NX in a transaction (the window starts with the first attempt).
    Falls back to the cache API (`add` then `incr`, both atomic) for non-Redis caches.
    """
    full_key = cache.make_and_validate_key(f"accounts:rl:{key}")
    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is not None:
        pipe = client_of(full_key, write=True).pipeline(transaction=True)
        pipe.incr(full_key)
        pipe.expire(full_key, window_seconds, nx=True)
        count, _ = pipe.execute()
        return int(count) <= limit
    legacy_key = f"accounts:rl:{key}"
    cache.add(legacy_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(legacy_key)
    except ValueError:  # expired between add and incr
        cache.set(legacy_key, 1, timeout=window_seconds)
        count = 1
    return int(count) <= limit
