"""Throughput of `import_contributions` (budget: >= 150,000 rows/s on 2 cores).

Creates PARTICIPANTS scale participants (no contributions) in the current database, writes a CSV of
PARTICIPANTS x MONTHS rows for them, then times the import command end to end (COPY, validation,
posting of contributions + ledger entries + balances, one transaction), and a second run of the same
file (everything already present). Run through `scripts/bench.sh import` against a throwaway database.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time

import django

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "50000"))
MONTHS = int(os.environ.get("BENCH_MONTHS", "20"))
# Database sessions sharing the import; unset = what the command would choose (one per core).
SESSIONS = int(os.environ["BENCH_SESSIONS"]) if os.environ.get("BENCH_SESSIONS") else None


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.core.management import call_command

    from participants.imports.contributions import import_contributions
    from participants.models import Employment

    call_command("seed_scale", "--participants", str(PARTICIPANTS), "--months", "0")
    rows = list(
        Employment.objects.filter(participant__kpj__startswith="3")
        .order_by("-participant_id")
        .values_list("participant__kpj", "employer__npp")[:PARTICIPANTS]
    )
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kpj", "employer_npp", "period", "wage_idr", "paid_at"])
        for month in range(MONTHS):
            year, mon = 2022 + month // 12, month % 12 + 1
            for i, (kpj, npp) in enumerate(rows):
                writer.writerow(
                    [kpj, npp, f"{year}-{mon:02d}", 3_000_000 + (i % 500) * 25_000, f"{year}-{mon:02d}-10"]
                )
        path = handle.name
    total = len(rows) * MONTHS
    results = []
    for label in ("first run (all new)", "second run (all present)"):
        started = time.perf_counter()
        report = import_contributions(path, sessions=SESSIONS)
        elapsed = time.perf_counter() - started
        results.append((label, elapsed, report.posted, report.duplicate, len(report.rejected)))
    os.unlink(path)
    print(f"rows in file: {total:,}; sessions: {SESSIONS or 'default'}")
    for label, elapsed, posted, duplicate, rejected in results:
        print(
            f"{label:26} {elapsed:7.2f} s  {total / elapsed:10,.0f} rows/s  "
            f"posted={posted:,} present={duplicate:,} rejected={rejected}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
