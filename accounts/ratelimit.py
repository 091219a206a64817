"""A fixed-window counter in the Django cache (Redis), for activation attempts."""

from __future__ import annotations

from django.core.cache import cache


def ratelimit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False when this attempt is over `limit` in the current window.

    Every attempt counts, allowed or not, so hammering past the limit keeps the window full.
    `cache.add` creates the counter with its expiry atomically; `incr` is atomic in Redis.
    """
    full_key = f"accounts:rl:{key}"
    cache.add(full_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.set(full_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
