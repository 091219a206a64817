"""Throughput of `import_contributions` against the physical floor, measured in the same run.

Creates PARTICIPANTS scale participants (no contributions) in the current database and writes a CSV
of PARTICIPANTS x MONTHS rows for them. Each of ROUNDS rounds, starting from empty contribution,
ledger and balance tables:

1. import: the import end to end (COPY, validation, posting of contributions + ledger entries +
   balances, one transaction, commit);
2. re-run: the same file again (every row already present, nothing posted);
3. floor: a bare COPY of the rows the import wrote (contributions and ledger entries, every column)
   into empty copies of the two tables with the same indexes and constraints (`LIKE ... INCLUDING
   ALL`), one transaction, commit. No import can write those rows faster.

Prints each round and the medians, with the ratio import / floor per round (the machine is shared:
compare within a round), by wall-clock time and by the CPU time of the PostgreSQL backend doing the
work (read from /proc, so the server must run on this machine). On a loaded machine the wall-clock
ratio swings with whatever else runs; the CPU ratio says how much work each path costs. Run it on a
server with production durability (fsync on), e.g. the `run` profile of scripts/services.sh, against
a throwaway database (bench/README.md).
"""

from __future__ import annotations

import csv
import io
import os
import statistics
import sys
import tempfile
import time

import django

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "50000"))
MONTHS = int(os.environ.get("BENCH_MONTHS", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TABLES = ("participants_contribution", "participants_ledgerentry")


def write_file(path: str) -> int:
    from participants.models import Employment

    rows = list(
        Employment.objects.filter(participant__kpj__startswith="3")
        .order_by("-participant_id")
        .values_list("participant__kpj", "employer__npp")[:PARTICIPANTS]
    )
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kpj", "employer_npp", "period", "wage_idr", "paid_at"])
        for month in range(MONTHS):
            year, mon = 2022 + month // 12, month % 12 + 1
            for i, (kpj, npp) in enumerate(rows):
                writer.writerow(
                    [kpj, npp, f"{year}-{mon:02d}", 3_000_000 + (i % 500) * 25_000, f"{year}-{mon:02d}-10"]
                )
    return len(rows) * MONTHS


def empty_money_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # TRUNCATE fires no row trigger: the ledger's append-only guard refuses UPDATE and DELETE only.
        cursor.execute(
            "TRUNCATE participants_contribution, participants_ledgerentry, participants_jhtbalance"
        )


_backend: list[int] = []


def backend_cpu() -> float:
    """CPU seconds (user + system) used so far by this connection's PostgreSQL backend."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    _backend[:] = _backend or [pid]
    if pid != _backend[0]:
        raise RuntimeError("the connection changed during the benchmark: CPU times would not add up")
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_import(path: str) -> tuple[float, float, object]:
    """Wall-clock seconds, backend CPU seconds and the report of one import of the file."""
    from participants.imports.contributions import import_contributions

    cpu = backend_cpu()
    started = time.perf_counter()
    report = import_contributions(path)
    return time.perf_counter() - started, backend_cpu() - cpu, report


def floor_seconds() -> tuple[float, float]:
    """COPY the rows the import wrote into empty copies of the two tables: wall-clock and backend CPU
    seconds for the COPYs and the COMMIT."""
    from django.db import connection, transaction

    dumps = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            buffer = io.BytesIO()
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for block in copy:
                    buffer.write(block)
            dumps[table] = buffer.getvalue()
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS floor_{table}")
            # Same columns, defaults, CHECK constraints, collations and indexes; committed before the
            # clock starts, so the COPY cannot skip WAL as it may for a table created in its transaction.
            cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
    cpu = backend_cpu()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TABLES:
            with cursor.copy(f"COPY floor_{table} FROM STDIN") as copy:
                data = dumps[table]
                for offset in range(0, len(data), 1 << 20):
                    copy.write(data[offset : offset + (1 << 20)])
    elapsed = time.perf_counter() - started
    cpu = backend_cpu() - cpu
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE floor_{table}")
    return elapsed, cpu


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        (fsync,) = cursor.fetchone()
        cursor.execute("SHOW synchronous_commit")
        (sync_commit,) = cursor.fetchone()
    call_command("seed_scale", "--participants", str(PARTICIPANTS), "--months", "0")
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
        path = handle.name
    total = write_file(path)
    print(f"rows in file: {total:,}; fsync={fsync} synchronous_commit={sync_commit}; rounds: {ROUNDS}")
    rounds = []
    try:
        for n in range(1, ROUNDS + 1):
            empty_money_tables()
            first, first_cpu, report = timed_import(path)
            assert (report.posted, report.rejected) == (total, []), report.summary()
            again, _again_cpu, report = timed_import(path)
            assert (report.posted, report.duplicate) == (0, total), report.summary()
            floor, floor_cpu = floor_seconds()
            rounds.append((total / first, total / again, total / floor, floor / first, floor_cpu / first_cpu))
            print(
                f"round {n}: import {first:6.2f} s {total / first:9,.0f} rows/s (CPU {first_cpu:5.2f} s) | "
                f"re-run {again:6.2f} s {total / again:9,.0f} rows/s | floor {floor:6.2f} s "
                f"{total / floor:9,.0f} rows/s (CPU {floor_cpu:5.2f} s) | import/floor: "
                f"wall {floor / first:.2f}, CPU {floor_cpu / first_cpu:.2f}"
            )
    finally:
        os.unlink(path)
    import_rate, rerun_rate, floor_rate, wall, cpu = (
        statistics.median(r[i] for r in rounds) for i in range(5)
    )
    print(
        f"median of {len(rounds)} rounds: import {import_rate:,.0f} rows/s, re-run {rerun_rate:,.0f} rows/s, "
        f"floor {floor_rate:,.0f} rows/s; import/floor: wall {wall:.2f}, CPU {cpu:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
