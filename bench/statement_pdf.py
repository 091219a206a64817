"""Render time of the RSJHT statement PDF, per page, as the Celery worker renders it.

Budget (issue): p95 ≤ 250 ms per page in the worker. Renders a 12-month statement (one month without
contribution, like real data) `RUNS` times after a warm-up and reports the median and p95 of
(render time / page count). The snapshot is synthetic so the benchmark needs no database; the template,
stylesheet, font and `portal.pdf.render_pdf` are exactly the worker's, and so is the process: every tasks
module imported and the start-up objects frozen for the garbage collector (`portal.celery`'s `worker_init`).

Run: `.venv/bin/python bench/statement_pdf.py [runs]` (with the usual environment, DJANGO_DEBUG=true is fine).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RUNS = 50
WARMUP = 3


def snapshot() -> dict[str, object]:
    rows: list[dict[str, object]] = []
    opening = 42_345_678
    for month in range(1, 13):
        if month == 4:
            rows.append({"month": f"2025-{month:02d}-01", "missing": True})
            continue
        wage = 7_250_000 if month < 9 else 6_900_000
        rows.append(
            {
                "month": f"2025-{month:02d}-01",
                "posted_on": f"2025-{month:02d}-{min(28, 8 + month):02d}",
                "employer": "PT Sinar Abadi Nusantara Sejahtera",
                "wage_idr": wage,
                "jht_employer_idr": round(wage * 37 / 1000),
                "jht_worker_idr": wage * 2 // 100,
                "jp_employer_idr": wage * 2 // 100,
                "jp_worker_idr": wage // 100,
                "missing": False,
            }
        )
    contributions = sum(int(r.get("jht_employer_idr", 0)) + int(r.get("jht_worker_idr", 0)) for r in rows)  # type: ignore[call-overload]
    return {
        "kpj": "21000000001",
        "full_name": "Budi Santoso Wicaksono",
        "nik_masked": "3171********0001",
        "category": "Penerima Upah",
        "branch": "Kantor Cabang Jakarta Salemba",
        "year": 2025,
        "as_of": "2025-12-31",
        "opening_balance_idr": opening,
        "rows": rows,
        "contributions_idr": contributions,
        "development_idr": 2_400_000,
        "development_rate": "5.630",
        "development_rate_assumed": True,
        "other_idr": 0,
        "closing_balance_idr": opening + contributions + 2_400_000,
    }


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.utils import timezone, translation

    from participants.statements.models import Statement
    from participants.statements.services import statement_pdf_context
    from portal.celery import app, freeze_startup_objects
    from portal.pdf import render_pdf

    # What a worker does before its first task: import every tasks module, then freeze what is alive
    # (portal.celery's worker_init handler), so full GC collections do not walk the start-up objects.
    app.loader.import_default_modules()
    freeze_startup_objects()

    translation.activate("id")
    statement = Statement(
        year=2025, document_number="RSJHT/2025/BENC-H001", data=snapshot(), rendered_at=timezone.now()
    )
    context = statement_pdf_context(statement)
    probe = render_pdf("participants/pdf/statement.html", context, uncompressed_pdf=True)
    pages = len(re.findall(rb"/Type\s*/Page\b", probe))
    size = len(probe)

    def series() -> tuple[float, float, float, float, float]:
        """(wall median, wall p95, wall max, CPU median, CPU p95) in ms per page.

        CPU time (this process) is reported next to wall time because the shared machine is often
        loaded by other jobs; it is what one worker process costs when it has a core to itself.
        """
        for _ in range(WARMUP):
            render_pdf("participants/pdf/statement.html", context)
        wall, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            render_pdf("participants/pdf/statement.html", context)
            wall.append((time.perf_counter() - start) * 1000 / pages)
            cpu.append((time.process_time() - start_cpu) * 1000 / pages)
        wall.sort()
        cpu.sort()
        k = max(0, round(0.95 * len(wall)) - 1)
        return statistics.median(wall), wall[k], wall[-1], statistics.median(cpu), cpu[k]

    print(f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"date: {dt.date.today().isoformat()}, load average before: {os.getloadavg()[0]:.2f}")
    print(f"statement: 12 months, {pages} page(s), {size / 1024:.1f} KiB (uncompressed); {runs} renders each")
    median, p95, worst, cpu_median, cpu_p95 = series()
    print(
        f"wall median {median:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms;"
        f" CPU median {cpu_median:.1f} ms, p95 {cpu_p95:.1f} ms (per page)"
    )
    verdict = p95
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"budget p95 <= 250 ms per page: {'OK' if verdict <= 250 else 'OVER'}")
    return 0 if verdict <= 250 else 1


if __name__ == "__main__":
    sys.exit(main())
