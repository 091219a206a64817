"""Run one job in several database sessions at once and commit all of them or none.

A bulk job that is CPU-bound in PostgreSQL (the contribution import) uses one core per session; on two
cores two sessions each doing half the work finish in about half the time. Each session runs
`work(index)` in its own thread, on its own connection, in its own transaction; the transactions then
commit only if every session succeeded, otherwise all roll back.

How "all or none" is reached without two-phase commit: a session that finishes while others are still
working waits for each of them to end before it commits, and it waits through PostgreSQL itself: every
session holds a transaction-level advisory lock on its own key, and a finished session asks for that
lock of each session still running. So every wait is visible to PostgreSQL's deadlock detector (a
session waiting here while another transaction waits for rows this session holds is a deadlock that
PostgreSQL breaks by cancelling one side, instead of a silent hang), and the waits only ever point from
an earlier-finished session to a later one, so the sessions cannot deadlock among themselves. The last
session to finish commits first if every session succeeded; each earlier one commits after the ones it
waited for committed, or rolls back if any of them failed or rolled back. A waiting session that is
cancelled (the deadlock victim) loses its transaction, and its locks, at once, before its thread can
record the failure; so before committing, a session also asks PostgreSQL whether each session waiting
for it still holds its own lock, and rolls back if one does not.

What this does not cover: a session that fails after a later one has decided to commit (the process
killed between two commits, a connection lost or a session cancelled during its wait at that moment)
leaves the later one committed; `run_in_sessions` then raises `PartlyCommitted`. Jobs run this way
must be safe to re-run (the import is: it skips rows already posted).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.utils import load_backend


class SessionAbandoned(Exception):
    """This session's work succeeded, but another session failed: it rolled back too."""


class PartlyCommitted(Exception):
    """Some sessions committed and others did not (see the module's last paragraph)."""

    def __init__(self, committed: list[int], cause: BaseException) -> None:
        super().__init__(f"sessions {committed} committed, the others failed: {cause}")
        self.committed = committed
        self.cause = cause


class _Run[T]:
    def __init__(self, count: int) -> None:
        self.count = count
        # Advisory lock keys of this run: a random 48-bit run token and the session index.
        self.token = secrets.randbits(48)
        self.lock = threading.Lock()
        self.succeeded: dict[int, bool] = {}
        self.committed = [False] * count
        self.ended = [threading.Event() for _ in range(count)]
        self.all_locked = threading.Barrier(count)
        self.results: list[T | None] = [None] * count
        self.errors: list[BaseException | None] = [None] * count

    def key(self, index: int) -> int:
        return (self.token << 8) | index

    def finish(self, index: int, *, ok: bool) -> list[int]:
        """Record a session's outcome; returns the sessions still working, which it must wait for."""
        with self.lock:
            self.succeeded[index] = ok
            return [other for other in range(self.count) if other not in self.succeeded]

    def may_commit(self, waited_for: list[int]) -> bool:
        # Every session has finished by now: the ones this session waited for have ended, the others
        # finished before it.
        with self.lock:
            return all(self.succeeded.values()) and all(self.committed[other] for other in waited_for)


def run_in_sessions[T](count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(0)` ... `work(count - 1)` concurrently, each in a new thread and transaction.

    Returns their results in index order once all have committed. If any raised, every transaction
    has rolled back and the first error (by index) is raised here, or `PartlyCommitted` in the rare
    case that some had already committed. `work` uses `django.db.connection`
    as usual: in its thread that is the thread's own connection, opened outside the connection pool
    and closed when the thread ends.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if connection.in_atomic_block:
        raise RuntimeError("run_in_sessions cannot join the caller's transaction; call it outside atomic()")
    run: _Run[T] = _Run(count)
    threads = [
        threading.Thread(target=_session, args=(run, index, work), name=f"db-session-{index}")
        for index in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [error for error in run.errors if error is not None]
    if failures:
        cause = next((e for e in failures if not isinstance(e, SessionAbandoned)), failures[0])
        committed = [index for index in range(count) if run.committed[index]]
        if committed:
            raise PartlyCommitted(committed, cause) from cause
        raise cause
    return cast(list[T], run.results)  # every result is set when no session failed


def _use_own_connection() -> None:
    """Give the calling thread a connection of its own instead of one from the process's pool.

    The pool is sized for requests (DB_POOL_MAX_SIZE, a few per process); a bulk job's sessions hold
    their connections for minutes, and drawing them from the pool would starve the requests, or, with
    the pool already busy, leave the sessions waiting for a connection until the pool's timeout.
    """
    settings_dict = {**connections.settings[DEFAULT_DB_ALIAS]}
    settings_dict["OPTIONS"] = {k: v for k, v in settings_dict["OPTIONS"].items() if k != "pool"}
    backend = load_backend(settings_dict["ENGINE"])
    connections[DEFAULT_DB_ALIAS] = backend.DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)


def _a_waiting_session_has_ended[T](run: _Run[T], index: int, waited_for: list[int]) -> bool:
    """Whether a session that finished before this one (and so waits for it) is no longer in its
    transaction, though its thread may not have recorded the failure yet.

    PostgreSQL ends a cancelled transaction, releasing its locks, as soon as it raises the error; the
    thread records the failure a moment later. Whatever that release let go ahead (this session's own
    work, if a row lock held it back) comes after it, so asking PostgreSQL here cannot miss it. An
    earlier-finished session cannot have committed yet: it commits only after this one has.
    """
    earlier = [other for other in range(run.count) if other != index and other not in waited_for]
    with connection.cursor() as cursor:
        for other in earlier:
            # Granted only if the other transaction no longer holds its exclusive lock on its own key.
            cursor.execute("SELECT pg_try_advisory_xact_lock_shared(%s)", [run.key(other)])
            if cursor.fetchone()[0]:
                return True
    return False


def _session[T](run: _Run[T], index: int, work: Callable[[int], T]) -> None:
    try:
        _use_own_connection()
        with transaction.atomic():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [run.key(index)])
                # No session works before every session holds its lock: a session finishing early must
                # find the others' locks taken, or it would not wait for them.
                run.all_locked.wait()
            except threading.BrokenBarrierError:
                raise SessionAbandoned(
                    f"session {index} rolled back: another session could not start"
                ) from None
            run.results[index] = work(index)
            waited_for = run.finish(index, ok=True)
            with connection.cursor() as cursor:
                for other in waited_for:
                    # Granted once the other session's transaction has ended (committed or rolled
                    # back); the event then waits the microseconds until its thread recorded which.
                    cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [run.key(other)])
                    run.ended[other].wait()
            if not run.may_commit(waited_for) or _a_waiting_session_has_ended(run, index, waited_for):
                raise SessionAbandoned(f"session {index} rolled back: another session failed")
        run.committed[index] = True
    except BaseException as error:
        # Every failure lands here, after the rollback. A session that failed before the barrier (no
        # connection, say) must not leave the others waiting there; one that failed while waiting (a
        # deadlock victim) overrides its recorded success here, and a session deciding before this
        # line runs sees the failure in PostgreSQL instead (`_a_waiting_session_has_ended`). Others
        # waiting for this one see the outcome via `ended`.
        run.all_locked.abort()
        run.finish(index, ok=False)
        run.errors[index] = error
    finally:
        run.ended[index].set()
        connection.close()
