"""`run_in_sessions`: several sessions, one outcome — all commit or none does, and no silent hang."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from participants.models import ImportBatch
from portal import db_sessions
from portal.db_sessions import PartlyCommitted, run_in_sessions

pytestmark = pytest.mark.django_db(transaction=True)


def batch_names() -> list[str]:
    return sorted(ImportBatch.objects.values_list("file_name", flat=True))


def test_every_session_commits_and_results_come_in_index_order() -> None:
    def work(index: int) -> tuple[int, int]:
        ImportBatch.objects.create(kind="test", file_name=f"s{index}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        return index, pid

    results = run_in_sessions(3, work)

    assert [index for index, _ in results] == [0, 1, 2]
    assert len({pid for _, pid in results}) == 3  # three connections, so three transactions
    assert batch_names() == ["s0", "s1", "s2"]


def test_sessions_do_not_draw_from_the_request_pool() -> None:
    """The sessions open connections of their own: not one is asked of the process's pool, so a bulk
    job neither waits for the pool (when requests hold all of it) nor starves it."""
    pool = connection.pool
    ImportBatch.objects.exists()  # this thread's own pooled connection, taken before counting

    def work(index: int) -> int:
        ImportBatch.objects.create(kind="test", file_name=f"s{index}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        return int(pid)

    asked_before = pool.get_stats().get("requests_num", 0)
    pids = run_in_sessions(2, work)
    asked_after = pool.get_stats().get("requests_num", 0)

    assert asked_after == asked_before
    assert len(set(pids)) == 2
    assert batch_names() == ["s0", "s1"]


@pytest.mark.parametrize("failing", [0, 1])
@pytest.mark.parametrize("repeat", range(3))
def test_one_failing_session_rolls_back_the_others_whichever_finishes_first(
    failing: int, repeat: int
) -> None:
    """The healthy session finishes first and has to wait for the failing one (which fails later)."""
    healthy_done = threading.Event()

    def work(index: int) -> None:
        ImportBatch.objects.create(kind="test", file_name=f"s{index}")
        if index == failing:
            assert healthy_done.wait(timeout=30)
            raise ValueError(f"share {index} is broken")
        healthy_done.set()

    with pytest.raises(ValueError, match=f"share {failing} is broken"):
        run_in_sessions(2, work)

    assert batch_names() == []


@pytest.mark.parametrize("repeat", range(3))
def test_a_session_failing_first_makes_the_later_ones_roll_back(repeat: int) -> None:
    failed = threading.Event()

    def work(index: int) -> None:
        if index == 0:
            failed.set()
            raise ValueError("share 0 is broken")
        assert failed.wait(timeout=30)
        ImportBatch.objects.create(kind="test", file_name=f"s{index}")

    with pytest.raises(ValueError, match="share 0 is broken"):
        run_in_sessions(2, work)

    assert batch_names() == []


def test_a_session_that_cannot_commit_reports_the_others_abandoned() -> None:
    """The error raised is the cause, not the SessionAbandoned of the sessions that rolled back."""

    def work(index: int) -> None:
        ImportBatch.objects.create(kind="test", file_name=f"s{index}")
        if index == 2:
            raise KeyError("cause")

    with pytest.raises(KeyError, match="cause"):
        run_in_sessions(3, work)
    assert batch_names() == []


@pytest.mark.parametrize("repeat", range(3))  # which side PostgreSQL cancels varies from run to run
def test_a_wait_through_another_transaction_is_a_deadlock_postgres_breaks(repeat: int) -> None:
    """Session 0 finished and waits for session 1; session 1 waits for a row an outside transaction
    holds; the outside transaction waits for a row session 0 holds. PostgreSQL sees the whole cycle
    (the wait between the sessions is a lock) and cancels one side; nothing hangs, and the side that
    survives commits completely."""
    row_a = ImportBatch.objects.create(kind="test", file_name="a")
    row_r = ImportBatch.objects.create(kind="test", file_name="r")
    a_locked = threading.Event()
    outcome: dict[str, Any] = {}

    def work(index: int) -> None:
        if index == 0:
            ImportBatch.objects.filter(pk=row_a.pk).update(file_name="a by session 0")
            a_locked.set()
        else:
            assert a_locked.wait(timeout=30)
            ImportBatch.objects.filter(pk=row_r.pk).update(file_name="r by session 1")

    def run() -> None:
        try:
            run_in_sessions(2, work)
            outcome["run"] = "committed"
        except OperationalError as error:
            outcome["run"] = f"failed: {error.__cause__.sqlstate}"
        finally:
            connection.close()

    try:
        with transaction.atomic():
            ImportBatch.objects.filter(pk=row_r.pk).update(file_name="r by outside")
            runner = threading.Thread(target=run)
            runner.start()
            assert a_locked.wait(timeout=30)
            try:
                ImportBatch.objects.filter(pk=row_a.pk).update(file_name="a by outside")
            except OperationalError as error:
                outcome["outside"] = f"failed: {error.__cause__.sqlstate}"
                raise
            outcome["outside"] = "committed"
    except OperationalError:
        pass
    runner.join(timeout=60)

    assert not runner.is_alive()
    names = dict(ImportBatch.objects.values_list("pk", "file_name"))
    if outcome["outside"] == "committed":
        assert outcome["run"] == "failed: 40P01"  # deadlock_detected
        assert names == {row_a.pk: "a by outside", row_r.pk: "r by outside"}
    else:
        assert outcome == {"outside": "failed: 40P01", "run": "committed"}
        assert names == {row_a.pk: "a by session 0", row_r.pk: "r by session 1"}


def test_a_waiting_session_aborted_by_postgres_is_seen_before_its_thread_records_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race behind a CI failure: PostgreSQL ends a transaction (and releases its locks) the moment
    it cancels it, before the session's thread gets to record the failure. A session those locks held
    back can finish in between; it must still roll back, not commit alone.

    Made deterministic: session 0's wait for session 1 runs out (lock_timeout), and the thread's record
    of that is held back until session 1 has ended; session 1 finishes in exactly that gap."""
    aborted_in_postgres = threading.Event()
    original_finish = db_sessions._Run.finish

    def finish(run: db_sessions._Run[None], index: int, *, ok: bool) -> list[int]:
        if index == 0 and not ok:
            aborted_in_postgres.set()  # called after the cancelled query raised: the transaction is over
            assert run.ended[1].wait(timeout=30)
        return original_finish(run, index, ok=ok)

    monkeypatch.setattr(db_sessions._Run, "finish", finish)

    def work(index: int) -> None:
        ImportBatch.objects.create(kind="test", file_name=f"s{index}")
        if index == 0:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '100ms'")  # its wait for session 1 runs out
        else:
            assert aborted_in_postgres.wait(timeout=30)

    with pytest.raises(OperationalError) as raised:
        run_in_sessions(2, work)

    assert raised.value.__cause__.sqlstate == "55P03"  # lock_not_available: session 0's error, not 1's
    assert batch_names() == []


def test_refused_inside_the_callers_transaction_and_for_no_sessions() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        run_in_sessions(0, lambda index: index)
    with transaction.atomic(), pytest.raises(RuntimeError, match="outside atomic"):
        run_in_sessions(2, lambda index: index)


def test_a_session_failing_at_its_own_commit_after_another_committed_is_reported() -> None:
    """The one case "all or none" cannot cover: session 0 waited, session 1 committed, then session 0's
    COMMIT fails (here a deferred foreign key to a participant that does not exist)."""
    finished = threading.Event()

    def work(index: int) -> None:
        ImportBatch.objects.create(kind="test", file_name=f"s{index}")
        if index == 0:
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO participants_jhtbalance (account_id, balance_idr, employer_idr, worker_idr,"
                    " development_idr, other_idr, entries_count, updated_at)"
                    " VALUES (-1, 0, 0, 0, 0, 0, 0, now())"
                )
            finished.set()
        else:
            assert finished.wait(timeout=30)

    with pytest.raises(PartlyCommitted) as raised:
        run_in_sessions(2, work)

    assert raised.value.committed == [1]
    assert isinstance(raised.value.cause, IntegrityError)
    assert batch_names() == ["s1"]
