"""`import_contributions` in two database sessions: same result as one, all or nothing, one at a time."""

from __future__ import annotations

import datetime as dt
import threading
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from participants.imports import contributions as module
from participants.imports.contributions import import_contributions, sessions_for
from participants.ledger.models import JhtBalance, LedgerEntry
from participants.ledger.services import ledger_reconcile
from participants.models import Contribution, ImportBatch, Participant
from portal.db_sessions import PartlyCommitted
from tests.concurrency import race
from tests.factories import BranchFactory, EmployerFactory, ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "kpj,employer_npp,period,wage_idr,paid_at\n"
JHT_OF_4_MILLION = 228_000  # 3.7 % + 2 % of Rp 4.000.000


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def people() -> list[Participant]:
    branch = BranchFactory(code="JKT01")
    EmployerFactory(npp="12345678", risk_class=3, branch=branch)
    return [ParticipantFactory(branch=branch) for _ in range(12)]


def share_of(kpj: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT (hashtext(%s)::bigint + 2147483648) %% 2", [kpj])
        (share,) = cursor.fetchone()
    return int(share)


def write_file(tmp_path: Path, people: list[Participant]) -> Path:
    """Three good months per participant, then one bad row of each kind and an in-file duplicate."""
    lines = [f"{p.kpj},12345678,2026-{m:02d},4000000,2026-{m + 1:02d}-10" for p in people for m in (1, 2, 3)]
    first, second = people[0].kpj, people[1].kpj
    lines += [
        "99999999999,12345678,2026-01,4000000,2026-02-10",  # line 38
        f"{second},00000000,2026-01,4000000,2026-02-10",  # 39
        f"{first},12345678,2026-13,4000000,2026-02-10",  # 40
        f"{second},12345678,2026-04,4.000.000,2026-05-10",  # 41
        ",12345678,2026-04,4000000,2026-05-10",  # 42: no KPJ at all
        f"{first},12345678,2026-01,5000000,2026-02-11",  # 43: second row for first's January
    ]
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_sessions_post_and_report_exactly_what_one_session_would(
    tmp_path: Path, people: list[Participant]
) -> None:
    # The file really is split: both shares have participants (and the bad rows land in both).
    assert {share_of(p.kpj) for p in people} == {0, 1}
    path = write_file(tmp_path, people)

    report = import_contributions(path, sessions=2)

    assert (report.read, report.posted, report.duplicate) == (42, 36, 0)
    assert report.rejected == [
        (38, "KPJ tidak dikenal"),
        (39, "NPP pemberi kerja tidak dikenal"),
        (40, "periode harus berformat YYYY-MM"),
        (41, "upah harus bilangan bulat rupiah (tanpa titik atau koma)"),
        (42, "KPJ tidak dikenal"),
        (43, "baris ganda untuk KPJ, pemberi kerja dan periode yang sama"),
    ]
    assert Contribution.objects.count() == 36
    assert set(Contribution.objects.values_list("wage_idr", flat=True)) == {4_000_000}
    assert LedgerEntry.objects.count() == 36
    assert sorted(JhtBalance.objects.values_list("account_id", "balance_idr")) == sorted(
        (p.pk, 3 * JHT_OF_4_MILLION) for p in people
    )
    assert ledger_reconcile() == []
    batch = ImportBatch.objects.get()
    assert (batch.rows_read, batch.rows_posted, batch.rows_rejected) == (42, 36, 6)
    assert batch.finished_at is not None
    assert set(Contribution.objects.values_list("batch_id", flat=True)) == {batch.pk}

    again = import_contributions(path, sessions=2)

    assert (again.read, again.posted, again.duplicate, len(again.rejected)) == (42, 0, 36, 6)
    assert LedgerEntry.objects.count() == 36
    assert ledger_reconcile() == []


def test_a_failing_share_posts_nothing_at_all(
    tmp_path: Path, people: list[Participant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Share 1 posts its rows and then fails: share 0's rows, posted meanwhile, roll back with it."""
    real_post = module.post_checked_contributions
    posted: list[int] = []

    def post_then_fail_in_share_1(**kwargs: Any) -> int:
        count = real_post(**kwargs)
        posted.append(count)
        if threading.current_thread().name == "db-session-1":
            raise ConnectionError("share 1 lost")
        return count

    monkeypatch.setattr(module, "post_checked_contributions", post_then_fail_in_share_1)

    with pytest.raises(ConnectionError, match="share 1 lost"):
        import_contributions(write_file(tmp_path, people), sessions=2)

    assert len(posted) == 2  # both shares had posted before the failure
    assert sum(posted) == 36
    assert Contribution.objects.count() == 0
    assert LedgerEntry.objects.count() == 0
    assert JhtBalance.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_a_partly_committed_import_is_reported_and_its_batch_kept(
    tmp_path: Path, people: list[Participant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the command says when `run_in_sessions` reports that only some shares committed (the
    coordinator's own tests produce that case for real)."""

    def partly(count: int, work: Any) -> Any:
        raise PartlyCommitted([1], OSError("connection lost"))

    monkeypatch.setattr(module, "run_in_sessions", partly)
    monkeypatch.setattr(module, "PARALLEL_MIN_BYTES", 1)

    with pytest.raises(CommandError, match="run the same file again to post the rest"):
        call_command("import_contributions", str(write_file(tmp_path, people)))

    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.finished_at) == ("import_contributions", None)


def test_two_imports_of_the_same_file_in_two_sessions_each_post_it_once(
    tmp_path: Path, people: list[Participant]
) -> None:
    path = write_file(tmp_path, people)
    reports = race(*[partial(import_contributions, path, sessions=2)] * 2)

    assert sorted((r.posted, r.duplicate, len(r.rejected)) for r in reports) == [(0, 36, 6), (36, 0, 6)]
    assert LedgerEntry.objects.count() == 36
    assert ledger_reconcile() == []


def test_several_sessions_only_for_a_large_file_outside_a_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module.os, "cpu_count", lambda: 2)
    small = tmp_path / "small.csv"
    small.write_text(HEADER + "1,2,2026-01,1,2026-02-10\n" * 10, encoding="utf-8")
    assert sessions_for(small) == 1
    assert sessions_for(tmp_path / "missing.csv") == 1
    monkeypatch.setattr(module, "PARALLEL_MIN_BYTES", small.stat().st_size)
    assert sessions_for(small) == 2
    monkeypatch.setattr(module.os, "cpu_count", lambda: 1)
    assert sessions_for(small) == 1
    monkeypatch.setattr(module.os, "cpu_count", lambda: 16)
    assert sessions_for(small) == module.MAX_SESSIONS == 2
    with transaction.atomic():
        assert sessions_for(small) == 1


def test_several_sessions_inside_the_callers_transaction_are_refused(
    tmp_path: Path, people: list[Participant]
) -> None:
    path = write_file(tmp_path, people)
    with pytest.raises(RuntimeError, match="inside the caller's transaction"), transaction.atomic():
        import_contributions(path, sessions=2)
    assert ImportBatch.objects.count() == 0
    assert Contribution.objects.count() == 0
