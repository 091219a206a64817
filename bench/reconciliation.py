"""Daily reconciliation and settlement export for one WIB day with 50,000 payments.

Measures, on the same data:
- `reconciliation_totals` (count and sum per channel and status: the live part of the admin page),
  as a national auditor (no branch filter) and as branch staff (one of 10 branches);
- `settlements_export_csv` consumed to the end (the streamed CSV download, ~35,000 settlements);
- `reconciliation_run` against the fake gateway (status of every payment, differences stored).

Setup (idempotent per database): 10 branches, 50,000 BPU participants and one payment each on
2026-03-10 WIB, spread over 10 channels; 70 % settled that day, 15 % pending, 10 % expired, 5 %
cancelled; a fake-gateway charge for each, 0.2 % of them disagreeing with us. Rows are inserted with SQL
(`generate_series`), not factories, so setup takes seconds.

Needs a migrated throwaway database (it creates rows and does not delete them):
    createdb portal_bench_recon; DATABASE_URL=.../portal_bench_recon manage.py migrate
    DATABASE_URL=.../portal_bench_recon .venv/bin/python bench/reconciliation.py [payments] [runs]
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("PAYMENT_GATEWAY", "fake")

PAYMENTS = 50_000
RUNS = 20
DAY = dt.date(2026, 3, 10)

_SETUP_SQL = """
INSERT INTO participants_branch (code, name, city, address)
SELECT 'RB' || lpad(b::text, 3, '0'), 'Cabang bench ' || b, 'Jakarta', ''
FROM generate_series(1, 10) b
ON CONFLICT (code) DO NOTHING;

INSERT INTO participants_participant (public_id, kpj, nik_encrypted, nik_index, full_name, birth_date, sex,
    address, phone, email, category, status, status_reason, status_since, registered_on, created_at,
    updated_at, branch_id)
SELECT gen_random_uuid(), lpad((39000000000 + i)::text, 11, '0'), '\\x00'::bytea, md5('bench' || i),
    'Peserta ' || i, DATE '1990-01-01', 'L', '', '', '', 'BPU', 'aktif', 'registered', DATE '2025-01-01',
    DATE '2025-01-01', now(), now(),
    (SELECT id FROM participants_branch WHERE code = 'RB' || lpad((1 + i %% 10)::text, 3, '0'))
FROM generate_series(1, %(n)s) i;

INSERT INTO contributions_payment (public_id, order_id, participant_id, gateway, channel, first_period,
    months, amount_idr, status, va_number, biller_code, qr_string, deeplink_url, payment_code,
    gateway_transaction_id, expires_at, paid_at, needs_review, review_reason, created_at, updated_at)
SELECT gen_random_uuid(), 'IU-BENCH-' || p.kpj, p.id, 'fake',
    (ARRAY['bca_va','bni_va','bri_va','mandiri_bill','permata_va','qris','gopay','shopeepay',
           'indomaret','alfamart'])[1 + (r.i %% 10)],
    DATE '2026-03-01', 1 + 2 * (r.i %% 2), 36800 * (1 + 2 * (r.i %% 2)),
    CASE WHEN r.i %% 20 < 14 THEN 'settlement' WHEN r.i %% 20 < 17 THEN 'pending'
         WHEN r.i %% 20 < 19 THEN 'expire' ELSE 'cancel' END,
    '', '', '', '', '', 'tx-' || p.kpj, r.created + interval '24 hours',
    CASE WHEN r.i %% 20 < 14 THEN r.created + interval '10 minutes' END,
    false, '', r.created, r.created
FROM (SELECT id, kpj, row_number() OVER (ORDER BY id) AS i FROM participants_participant
      WHERE kpj LIKE '39%%') p
CROSS JOIN LATERAL (SELECT p.i AS i,
    TIMESTAMPTZ '2026-03-10 00:00:00+07' + p.i * 86000 / %(n)s * interval '1 second' AS created) r;

INSERT INTO contributions_fakecharge (order_id, transaction_id, payment_type, gross_amount,
    transaction_status, created_at)
SELECT order_id, gateway_transaction_id, 'bank_transfer', amount_idr || '.00',
    CASE WHEN id %% 499 = 0 THEN 'settlement' ELSE status END, created_at
FROM contributions_payment WHERE order_id LIKE 'IU-BENCH-%%';
ANALYZE;
"""


def setup(n: int) -> None:
    from django.db import connection

    from contributions.models import Payment

    if Payment.objects.filter(order_id__startswith="IU-BENCH-").exists():
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(_SETUP_SQL, {"n": n})
    print(f"setup: {n} payments in {time.perf_counter() - started:.1f} s")


def measure(label: str, runs: int, fn: Callable[[], Any]) -> None:
    fn()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"| {label} | {runs} | {statistics.median(times):.1f} ms | {p95:.1f} ms |")


def main() -> None:
    import django

    django.setup()
    from accounts.roles import StaffRole
    from contributions.models import Payment
    from contributions.reconciliation import reconciliation_run, reconciliation_totals, settlements_export_csv
    from participants.models import Branch

    n = int(sys.argv[1]) if len(sys.argv) > 1 else PAYMENTS
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else RUNS
    setup(n)

    class Staff:
        """Stands in for a staff user (roles fixed, no database)."""

        is_authenticated = is_active = is_staff = True
        is_superuser = False

        def __init__(self, role: StaffRole, branch_id: int | None) -> None:
            self._portal_staff_roles = frozenset({role})
            self.branch_id = branch_id

    auditor = Staff(StaffRole.AUDITOR, None)
    branch = Branch.objects.get(code="RB001")
    reviewer = Staff(StaffRole.REVIEWER, branch.pk)
    day_payments = Payment.objects.filter(order_id__startswith="IU-BENCH-").count()
    totals = reconciliation_totals(day=DAY)
    print(
        f"{platform.node()} ({os.cpu_count()} cores, shared), {day_payments} payments on {DAY}; "
        f"created {totals.created_count} / Rp{totals.created_amount_idr}, "
        f"settled {totals.settled_count} / Rp{totals.settled_amount_idr}"
    )
    print("| What | Runs | Median | p95 |")
    print("|---|---|---|---|")
    measure("totals, all branches", runs, lambda: reconciliation_totals(day=DAY, actor=auditor))
    measure("totals, one branch", runs, lambda: reconciliation_totals(day=DAY, actor=reviewer))
    rows = [0]

    def export() -> None:
        rows[0] = sum(1 for _ in settlements_export_csv(day=DAY, actor=auditor)) - 1

    measure("settlement CSV, all branches (streamed to the end)", max(3, runs // 4), export)
    print(f"(CSV rows: {rows[0]})")
    run = reconciliation_run(day=DAY)
    print(f"(gateway run: {run.checked_count} checked, {run.difference_count} differences)")
    measure(
        "gateway run (fake gateway, batch status)", max(3, runs // 5), lambda: reconciliation_run(day=DAY)
    )


if __name__ == "__main__":
    main()
