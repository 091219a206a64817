"""gunicorn settings. Threads x workers is bounded by the database connection budget.

Every thread can hold one pooled connection, so `WEB_CONCURRENCY x WEB_THREADS` must not exceed
`DB_CONNECTION_BUDGET`; we refuse to start otherwise instead of failing under load.
"""

import os
import sys


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        sys.exit(f"Configuration error: {name} must be a whole number, not {raw!r}")


workers = _int("WEB_CONCURRENCY", 2)
threads = _int("WEB_THREADS", 4)
_budget = _int("DB_CONNECTION_BUDGET", 20)
if workers * threads > _budget:
    sys.exit(
        f"Configuration error: WEB_CONCURRENCY ({workers}) x WEB_THREADS ({threads}) exceeds "
        f"DB_CONNECTION_BUDGET ({_budget})"
    )
os.environ.setdefault("DB_POOL_MAX_SIZE", str(threads))

bind = os.environ.get("WEB_BIND", f"127.0.0.1:{_int('PORT', 8000)}")
worker_class = "gthread"
# One connection per thread: a worker whose threads are all busy accepts nothing, so the next request
# goes to a worker with a free thread, or waits in HAProxy's queue, which answers 503 + Retry-After
# once it has waited WEB_MAX_QUEUE_WAIT seconds (haproxy/haproxy.cfg). gthread's own queue, which
# nothing bounds in time, stays empty. HAProxy keeps the clients' connections alive and opens one to
# gunicorn per request, so gunicorn keeps none alive (with no spare connections it could not).
worker_connections = threads
keepalive = 0
timeout = 30
graceful_timeout = 20
# The app is imported once, in the arbiter, and warmed before the first fork (when_ready below): a
# worker (re)started by max_requests is a fork that is ready in milliseconds. Without preloading each
# restart re-imported Django and every app (~3 s of CPU) while the other worker carried the load, and
# at 100 req/s that happened every ~20 s. A deploy therefore restarts the arbiter (HUP would keep the
# old code).
preload_app = True
max_requests = 10000
max_requests_jitter = 1000
accesslog = None  # django-structlog logs every request, with NIKs masked
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server: object) -> None:
    # Load the settings in the arbiter so a configuration error is one line, before any worker forks.
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()


def when_ready(server: object) -> None:
    # In the arbiter, before the first worker is forked: views imported, templates compiled,
    # catalogues read, then the start-up objects frozen for the garbage collector (portal/warmup.py).
    from portal.warmup import warm_up_before_fork

    warm_up_before_fork()


def post_worker_init(worker: object) -> None:
    # In each worker, before its first accept: its own connection pool (never opened in the arbiter).
    from portal.warmup import open_database_pool

    open_database_pool()
