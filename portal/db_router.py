"""Read-only participant pages read from PostgreSQL streaming replicas (DATABASE_REPLICA_URLS).

Nothing reads from a replica unless a view asks for it with `@replica_reads`, and then only when:
- the request is a GET or HEAD;
- the visitor has not written recently: every unsafe request (POST: login, payment, claim submit, ...)
  gets a signed cookie for REPLICA_READ_YOUR_WRITES_SECONDS, and while it lasts their pages read from
  the primary, so they see what they just did even if the replica is a little behind;
- a replica is healthy: reachable, in recovery, and behind the primary by at most
  REPLICA_MAX_LAG_SECONDS. Each process checks a replica at most every REPLICA_CHECK_SECONDS, with
  its own short connection, and keeps the answer; a check in progress never makes others wait.
Otherwise the page reads from the primary. Writes, `select_for_update()` and every query inside a
transaction on the primary always go to the primary (a transaction must read its own writes).

The session and the signed-in user are loaded from the primary before the view runs (a fresh login
must not look logged-out on a replica that has not replayed it yet).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

import psycopg
import structlog
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse

log = structlog.get_logger(__name__)

PRIMARY = "default"
COOKIE = "portal_primary_reads"
_COOKIE_SALT = "portal.db_router.read-your-writes"

# The replica alias the current request reads from, or None (the primary).
_reading_from: ContextVar[str | None] = ContextVar("portal_replica_alias", default=None)

# Lag as PostgreSQL reports it on a standby: none while everything received has been replayed
# (`now() - pg_last_xact_replay_timestamp()` alone would grow on an idle primary), otherwise the age
# of the last transaction replayed. NULL: WAL is waiting but no transaction was replayed yet.
LAG_QUERY = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END
"""


def replica_aliases() -> list[str]:
    aliases: list[str] = getattr(settings, "DATABASE_REPLICAS", [])
    return aliases


class ReplicaRouter:
    """Reads of a `@replica_reads` view go to its replica; everything else to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        alias = _reading_from.get()
        if alias is None or connections[PRIMARY].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # A replica holds the primary's rows: a row read from it may be linked to one written.
        databases = {PRIMARY, *replica_aliases()}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY  # a standby is read-only; it gets the schema by replication


# --- Replica health -----------------------------------------------------------------------------


@dataclass
class _Health:
    checked_at: float = float("-inf")
    usable: bool = False  # unknown counts as unusable until the first check answers


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()  # guards `_health` itself
_checking: dict[str, threading.Lock] = {}


def forget_health() -> None:
    """Drop what this process knows about its replicas (tests, and after a configuration change)."""
    with _health_lock:
        _health.clear()
        _checking.clear()


def mark_down(alias: str) -> None:
    """A query on `alias` failed: read from the primary until the next check says otherwise."""
    with _health_lock:
        _health[alias] = _Health(checked_at=time.monotonic(), usable=False)
    log.warning("replica_marked_down", alias=alias)


def _probe(alias: str) -> bool:
    config = connections[alias].settings_dict
    try:
        with psycopg.connect(
            dbname=config["NAME"],
            host=config["HOST"],
            port=config["PORT"] or None,
            user=config["USER"],
            password=config["PASSWORD"],
            connect_timeout=settings.REPLICA_CONNECT_TIMEOUT,
            autocommit=True,
        ) as probe:
            row = probe.execute(LAG_QUERY).fetchone()
    except psycopg.Error as exc:
        log.warning("replica_unreachable", alias=alias, error=str(exc).strip()[:200])
        return False
    in_recovery, lag = row if row else (False, None)
    if not in_recovery:
        # A promoted replica is a second primary: its data parts ways with ours, never read from it.
        log.warning("replica_not_in_recovery", alias=alias)
        return False
    if lag is None or lag > settings.REPLICA_MAX_LAG_SECONDS:
        log.warning("replica_lagging", alias=alias, lag_seconds=lag)
        return False
    return True


def replica_usable(alias: str) -> bool:
    """The last known state of `alias`, refreshed if older than REPLICA_CHECK_SECONDS."""
    with _health_lock:
        state = _health.setdefault(alias, _Health())
        checking = _checking.setdefault(alias, threading.Lock())
    if time.monotonic() - state.checked_at < settings.REPLICA_CHECK_SECONDS:
        return state.usable
    if not checking.acquire(blocking=False):
        return state.usable  # another thread is checking: use what we knew
    try:
        usable = _probe(alias)
        with _health_lock:
            _health[alias] = _Health(checked_at=time.monotonic(), usable=usable)
        return usable
    finally:
        checking.release()


def pick_replica() -> str | None:
    """A usable replica, chosen at random among them to spread the reads; None: the primary."""
    usable = [alias for alias in replica_aliases() if replica_usable(alias)]
    return random.choice(usable) if usable else None  # noqa: S311 (load spreading, not a secret)


# --- Read-your-writes ---------------------------------------------------------------------------


def wrote_recently(request: HttpRequest) -> bool:
    value = request.get_signed_cookie(
        COOKIE, default=None, salt=_COOKIE_SALT, max_age=settings.REPLICA_READ_YOUR_WRITES_SECONDS
    )
    return value is not None


class ReadYourWritesMiddleware:
    """After an unsafe request, the visitor's replica-read pages read from the primary for a while."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if replica_aliases() and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=_COOKIE_SALT,
                max_age=settings.REPLICA_READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


# --- Marking views ------------------------------------------------------------------------------


def _is_unavailability(exc: BaseException) -> bool:
    from portal.middleware import is_unavailability  # imports views; not at module load

    return is_unavailability(exc)


def replica_reads[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Let a read-only view read from a replica (see the module docstring for when it does).

    The view must not write what it then reads back. A template response is rendered here, inside
    the replica context; if the replica fails mid-request, it is marked down and the view runs again
    on the primary (a GET can be repeated).
    """

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        assert isinstance(request, HttpRequest)
        alias = None
        if request.method in ("GET", "HEAD") and replica_aliases() and not wrote_recently(request):
            user = getattr(request, "user", None)  # loads the session and the user from the primary
            _ = user is not None and user.is_authenticated
            alias = pick_replica()
        if alias is None:
            return view(*args, **kwargs)
        token = _reading_from.set(alias)
        try:
            response = view(*args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            return response
        except Exception as exc:
            if not _is_unavailability(exc):
                raise
            mark_down(alias)
            with suppress(Exception):  # a broken connection goes back to no pool
                connections[alias].close()
        finally:
            _reading_from.reset(token)
        return view(*args, **kwargs)

    return wrapped


def reading_from() -> str | None:
    """The replica alias the current request reads from (None: the primary); for logs and tests."""
    return _reading_from.get()
