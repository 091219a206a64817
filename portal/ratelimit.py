"""A fixed-window counter in Redis (the Django cache's server), for activation attempts, the SMS
service and uploads. Here, in the bottom layer, so that `portal.uploads` can count too; the apps import
it as `accounts.ratelimit`."""

from __future__ import annotations

from django.core.cache import cache


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
