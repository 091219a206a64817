"""What one process spends on uploads: how many it decodes at once, and how many one person may send.

- `decode_slot()`: decoding and rewriting an upload holds one of `UPLOAD_DECODE_CONCURRENCY` slots
  of this process. Each decode is bounded (validation refuses more than `UPLOAD_MAX_DECODED_BYTES`
  of pixels and more than `UPLOAD_PDF_MAX_DECODED_BYTES` of PDF streams), so the slots bound the
  process's upload memory. A request that finds no free slot within `UPLOAD_DECODE_WAIT_SECONDS` is
  refused with "server sibuk" instead of piling up behind the others.
- `count_upload()`: one attempt of the signed-in user (or, signed out, of the client address) under
  `UPLOAD_RATE_LIMIT` per `UPLOAD_RATE_WINDOW_SECONDS`. Who is asking is set for the request by
  `UploadActorMiddleware` (portal.uploads.middleware), so forms and services need not pass the user.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import structlog
from django.conf import settings

from portal.ratelimit import ratelimit_hit
from portal.uploads.validation import reject

log = structlog.get_logger(__name__)

DEFAULT_DECODE_CONCURRENCY = 2
DEFAULT_DECODE_WAIT_SECONDS = 3.0
DEFAULT_RATE_LIMIT = 30
DEFAULT_RATE_WINDOW_SECONDS = 10 * 60

# The requesting user's rate-limit key, computed only when an upload asks for it.
upload_actor: ContextVar[Callable[[], str] | None] = ContextVar("upload_actor", default=None)

_slots: threading.BoundedSemaphore | None = None
_slots_size = 0
_slots_lock = threading.Lock()


def _semaphore() -> threading.BoundedSemaphore:
    global _slots, _slots_size
    size = max(1, int(getattr(settings, "UPLOAD_DECODE_CONCURRENCY", DEFAULT_DECODE_CONCURRENCY)))
    with _slots_lock:
        if _slots is None or _slots_size != size:  # a changed setting (tests) gets a fresh semaphore
            _slots, _slots_size = threading.BoundedSemaphore(size), size
        return _slots


@contextmanager
def decode_slot() -> Iterator[None]:
    """Hold one of this process's decode slots; raises UploadRejected("busy") when none frees in time."""
    slots = _semaphore()
    wait = float(getattr(settings, "UPLOAD_DECODE_WAIT_SECONDS", DEFAULT_DECODE_WAIT_SECONDS))
    if not slots.acquire(timeout=wait):
        log.warning("upload.busy", waited_seconds=wait)
        raise reject("busy")
    try:
        yield
    finally:
        slots.release()


def count_upload() -> None:
    """Count one upload attempt of the current requester; raises UploadRejected("rate_limited") over
    the limit. Outside a request (management commands, tasks) nothing is counted."""
    actor = upload_actor.get()
    if actor is None:
        return
    limit = int(getattr(settings, "UPLOAD_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    window = int(getattr(settings, "UPLOAD_RATE_WINDOW_SECONDS", DEFAULT_RATE_WINDOW_SECONDS))
    key = actor()
    if not ratelimit_hit(key=f"upload:{key}", limit=limit, window_seconds=window):
        log.warning("upload.rate_limited", actor=key, limit=limit, window_seconds=window)
        raise reject("rate_limited", minutes=max(1, window // 60))
