"""Each pytest-xdist worker gets its own Redis databases, as pytest-django gives it its own PostgreSQL one.

Workers share one Redis server. On shared database numbers one worker's tests would see the other's
cache entries and rate-limit counters, a real Celery worker would run the other worker's tasks, and a
test that empties its database (`cache.clear()`, the `celery_worker` fixture) would wipe the other
worker's keys mid-test. Worker `gwN` therefore moves every Redis URL up by 2 x (N + 1) database
numbers: with the defaults (broker 0, cache 1), gw0 uses 2 and 3, gw1 4 and 5, and a serial run keeps
0 and 1. Celery's fan-out channels (worker pings) carry the database number too, so they stay apart.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

# redis-server's default `databases 16`: a serial run plus seven workers.
REDIS_DATABASES = 16
URLS_PER_PROCESS = 2  # the Celery broker and the cache


class ParallelConfigError(RuntimeError):
    pass


def worker_number() -> int | None:
    """N for pytest-xdist's worker `gwN`, None in a serial run (or in the xdist controller)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker else None


def shift_redis_db(url: str, shift: int) -> str:
    """`url` with its database number (the path, 0 when absent) moved up by `shift`."""
    if shift == 0:
        return url
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ParallelConfigError(f"parallel tests need a redis:// URL for Redis, not {parts.scheme}://")
    db = int(parts.path.strip("/") or 0) + shift
    if db >= REDIS_DATABASES:
        raise ParallelConfigError(
            f"pytest-xdist worker needs Redis database {db}, but Redis has {REDIS_DATABASES}: "
            f"run at most {REDIS_DATABASES // URLS_PER_PROCESS - 1} workers (-n)"
        )
    return urlunsplit(parts._replace(path=f"/{db}"))


def use_own_redis_databases() -> None:
    """Point this worker's Celery broker and cache at its own Redis databases.

    Called when tests/conftest.py is imported: after Django read its settings, before any test opened a
    cache connection or published a task. Celery reads its configuration lazily; if something made it
    read it already, its copy is updated as well.
    """
    from django.conf import settings
    from django.core.cache import caches

    from portal.celery import app

    number = worker_number()
    if number is None:
        return
    if "settings" in caches.__dict__:  # Django copied CACHES already: a change would not reach it
        raise ParallelConfigError(
            "the cache was used before tests/conftest.py could give this worker its own"
        )
    shift = URLS_PER_PROCESS * (number + 1)
    broker_url = shift_redis_db(settings.CELERY_BROKER_URL, shift)
    settings.REDIS_URL = settings.CELERY_BROKER_URL = broker_url
    settings.CACHES = {
        alias: {**config, "LOCATION": shift_redis_db(config["LOCATION"], shift)}
        for alias, config in settings.CACHES.items()
    }
    if app.configured:
        app.conf.broker_url = broker_url
