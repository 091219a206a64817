"""gunicorn's gthread worker with load shedding: a request that waited too long for a thread gets 503.

gthread accepts every connection it can (up to `worker_connections`) and queues it for its thread
pool. Under overload that queue only grows: threads end up serving requests whose clients gave up
long ago, and every client times out (measured: at 4x capacity, 23,094 of 24,000 dashboard requests
timed out, good-put ~12 req/s). This worker stamps each connection when it is queued and, when a
thread picks it up after more than `WEB_MAX_QUEUE_WAIT` seconds, answers a small static 503 page with
`Retry-After` instead of running Django. That costs a fraction of a millisecond, so the queue drains
and the requests that are served are served within the wait limit.

The wait is measured from queueing to the moment a thread takes the connection, not to the end of
the request line: a client slow to send its request is gthread's business (it defers idle sockets to
its poller) and is not overload. A kept-alive connection is re-stamped when its next request arrives.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from gunicorn.http import wsgi
from gunicorn.workers.gthread import ThreadWorker

MAX_QUEUE_WAIT_ENV = "WEB_MAX_QUEUE_WAIT"
DEFAULT_MAX_QUEUE_WAIT = 2.0
RETRY_AFTER_SECONDS = 10

# Static on purpose: shedding must not touch Django, the database or the template engine. No CSS or
# script, so the strict CSP below holds and nothing else is fetched from an overloaded server.
OVERLOAD_PAGE = b"""<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Layanan sedang sibuk</title></head>
<body>
<h1>Layanan sedang sibuk</h1>
<p>Terlalu banyak permintaan pada saat ini. Tidak ada data yang hilang. Silakan coba lagi dalam
beberapa detik. Jika Anda sedang membayar iuran, pembayaran yang sudah berhasil tetap tercatat.</p>
<hr>
<p lang="en">The service is busy. Nothing was lost; please try again in a few seconds. A payment that
already went through is recorded.</p>
</body>
</html>
"""

OVERLOAD_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(OVERLOAD_PAGE))),
    ("Retry-After", str(RETRY_AFTER_SECONDS)),
    ("Cache-Control", "no-store"),
    ("Content-Security-Policy", "default-src 'none'"),
    ("X-Content-Type-Options", "nosniff"),
]


class QueueWaitConfigError(ValueError):
    pass


def max_queue_wait_from_env(environ: dict[str, str] | None = None) -> float:
    """Seconds a request may wait for a thread; 0 turns shedding off."""
    raw = (os.environ if environ is None else environ).get(MAX_QUEUE_WAIT_ENV, "")
    if raw == "":
        return DEFAULT_MAX_QUEUE_WAIT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 60:
        raise QueueWaitConfigError(
            f"{MAX_QUEUE_WAIT_ENV} must be a number of seconds from 0 (off) to 60, not {raw!r}"
        )
    return value


class SheddingThreadWorker(ThreadWorker):
    # Replaced in tests to drive the wait without waiting.
    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_queue_wait = max_queue_wait_from_env()
        # Shed requests are answered on several threads: the count is kept under a lock.
        self.shed_count = 0
        self._shed_lock = threading.Lock()

    def enqueue_req(self, conn: Any) -> None:
        # Runs on the main loop for new, kept-alive and deferred connections alike.
        conn.queued_at = self.clock()
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        now = self.clock()
        conn.queue_wait = now - getattr(conn, "queued_at", now)
        return super().handle(conn)

    def handle_request(self, req: Any, conn: Any) -> bool:
        waited = getattr(conn, "queue_wait", 0.0)
        if self.max_queue_wait and waited > self.max_queue_wait:
            return self.shed(req, conn, waited)
        result: bool = super().handle_request(req, conn)
        return result

    def shed(self, req: Any, conn: Any, waited: float) -> bool:
        """Answer the overload page and close the connection (the client should back off)."""
        resp, _environ = wsgi.create(req, conn.sock, conn.client, conn.server, self.cfg)
        resp.force_close()
        resp.start_response("503 Service Unavailable", list(OVERLOAD_HEADERS))
        resp.write(OVERLOAD_PAGE)
        resp.close()
        with self._shed_lock:
            self.shed_count += 1
            shed = self.shed_count
        # One line per shed request would itself be load; every 100th is enough to see it happening.
        if shed % 100 == 1:
            self.log.warning(
                "Overloaded: answered 503 to a request that waited %.1f s for a thread "
                "(%d shed by this worker so far)",
                waited,
                shed,
            )
        return False
