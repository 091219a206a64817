"""`import_contributions FILE.csv` — columns kpj,employer_npp,period,wage_idr,paid_at.

Shares come from the rate table in force for each period (JHT 3.7 % + 2 %, JP 2 % + 1 % of the wage
capped at the JP cap, JKK by the employer's risk class, JKM 0.30 %), each rounded half up to whole
rupiah (PostgreSQL `round(numeric)` rounds half away from zero, identical for these non-negative
amounts; `participants/rates/calc.py:pu_shares` is the same rule in Python and a test keeps them equal).
Posting is set-based: one statement inserts the contributions, their JHT ledger entries and the balance
updates, so a valid row is posted whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from participants.imports.base import ImportReport, copy_into, create_temp_table, fetch_rejections, open_csv
from participants.models import ImportBatch
from participants.rates.selectors import MissingRate, rate_table_on

COLUMNS = ["kpj", "employer_npp", "period", "wage_idr", "paid_at"]
RATE_COLUMNS = ["jht_er", "jht_ee", "jp_er", "jp_ee", "jp_cap", "jkk1", "jkk2", "jkk3", "jkk4", "jkk5", "jkm"]

_STAGING = """
CREATE TEMP TABLE staging_contribution (
    line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
    kpj text, employer_npp text, period text, wage_idr text, paid_at text
) ON COMMIT DROP
"""

_PARSED = """
CREATE TEMP TABLE parsed_contribution ON COMMIT DROP AS
SELECT s.line, s.kpj, s.employer_npp, p.id AS participant_id, e.id AS employer_id, e.risk_class,
       CASE WHEN s.period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN to_date(s.period || '-01', 'YYYY-MM-DD') END
           AS period,
       CASE WHEN s.wage_idr ~ '^[0-9]{1,12}$' THEN s.wage_idr::bigint END AS wage,
       CASE WHEN s.paid_at ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
             AND substr(s.paid_at, 9, 2)::int <= extract(
                 day FROM make_date(substr(s.paid_at, 1, 4)::int, substr(s.paid_at, 6, 2)::int, 1)
                          + interval '1 month - 1 day')
            THEN s.paid_at::date END AS paid_on
FROM staging_contribution s
LEFT JOIN participants_participant p ON p.kpj = s.kpj
LEFT JOIN participants_employer e ON e.npp = s.employer_npp
"""

_CHECKED = """
CREATE TEMP TABLE checked_contribution ON COMMIT DROP AS
SELECT c.*, CASE
    WHEN c.participant_id IS NULL THEN 'KPJ tidak dikenal'
    WHEN c.employer_id IS NULL THEN 'NPP pemberi kerja tidak dikenal'
    WHEN c.period IS NULL THEN 'periode harus berformat YYYY-MM'
    WHEN c.period > %(this_month)s THEN 'periode di masa depan'
    WHEN c.wage IS NULL THEN 'upah harus bilangan bulat rupiah (tanpa titik atau koma)'
    WHEN c.paid_on IS NULL THEN 'tanggal bayar harus tanggal valid berformat YYYY-MM-DD'
    WHEN c.paid_on > %(today)s THEN 'tanggal bayar di masa depan'
    WHEN r.period IS NULL THEN 'tarif iuran untuk periode ini tidak tersedia'
    WHEN row_number() OVER (PARTITION BY c.kpj, c.employer_npp, c.period ORDER BY c.line) > 1
        THEN 'baris ganda untuk KPJ, pemberi kerja dan periode yang sama'
  END AS problem
FROM parsed_contribution c
LEFT JOIN rates_by_period r ON r.period = c.period
"""

_POST = """
WITH inserted AS (
    INSERT INTO participants_contribution (
        participant_id, employer_id, period, wage_idr, jht_employer_idr, jht_worker_idr,
        jp_employer_idr, jp_worker_idr, jkk_idr, jkm_idr, paid_at, posted_at, batch_id)
    SELECT c.participant_id, c.employer_id, c.period, c.wage,
           round(c.wage * r.jht_er / 100), round(c.wage * r.jht_ee / 100),
           round(least(c.wage, r.jp_cap) * r.jp_er / 100), round(least(c.wage, r.jp_cap) * r.jp_ee / 100),
           round(c.wage * (CASE c.risk_class WHEN 1 THEN r.jkk1 WHEN 2 THEN r.jkk2 WHEN 3 THEN r.jkk3
                                             WHEN 4 THEN r.jkk4 ELSE r.jkk5 END) / 100),
           round(c.wage * r.jkm / 100),
           c.paid_on::timestamp AT TIME ZONE 'Asia/Jakarta', %(now)s, %(batch)s
    FROM checked_contribution c JOIN rates_by_period r ON r.period = c.period
    WHERE c.problem IS NULL
    ON CONFLICT ON CONSTRAINT contribution_unique_month DO NOTHING
    RETURNING id, participant_id, period, jht_employer_idr, jht_worker_idr, paid_at
), ledger AS (
    INSERT INTO participants_ledgerentry (
        account_id, kind, amount_idr, employer_idr, worker_idr, value_date, period, year,
        idempotency_key, reason, created_at)
    SELECT participant_id, 'contribution', jht_employer_idr + jht_worker_idr, jht_employer_idr,
           jht_worker_idr, (paid_at AT TIME ZONE 'Asia/Jakarta')::date, period, NULL,
           'contribution:' || id, '', %(now)s
    FROM inserted WHERE jht_employer_idr + jht_worker_idr > 0
    RETURNING account_id, amount_idr, employer_idr, worker_idr
), balances AS (
    INSERT INTO participants_jhtbalance AS b (
        account_id, balance_idr, employer_idr, worker_idr, development_idr, other_idr, entries_count,
        updated_at)
    SELECT account_id, sum(amount_idr), sum(employer_idr), sum(worker_idr), 0, 0, count(*), %(now)s
    FROM ledger GROUP BY account_id
    ON CONFLICT (account_id) DO UPDATE SET
        balance_idr = b.balance_idr + EXCLUDED.balance_idr,
        employer_idr = b.employer_idr + EXCLUDED.employer_idr,
        worker_idr = b.worker_idr + EXCLUDED.worker_idr,
        entries_count = b.entries_count + EXCLUDED.entries_count,
        updated_at = EXCLUDED.updated_at
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM balances)
"""


def load_rates(periods: list[dt.date]) -> None:
    """Fill `rates_by_period` with the figures in force for each period (periods without rates omitted)."""
    rows: list[list[Any]] = []
    for period in periods:
        try:
            rates = rate_table_on(period)
            values = [
                rates.get("JHT", "PU", "employer"),
                rates.get("JHT", "PU", "worker"),
                rates.get("JP", "PU", "employer"),
                rates.get("JP", "PU", "worker"),
                rates.get("JP", "PU", "wage_cap"),
                *(rates.get("JKK", "PU", f"risk_{n}") for n in range(1, 6)),
                rates.get("JKM", "PU", "employer"),
            ]
        except MissingRate:
            continue
        rows.append([period, *values])
    with connection.cursor() as cursor:
        cols = ", ".join(f"{c} numeric" for c in RATE_COLUMNS)
        create_temp_table(
            f"CREATE TEMP TABLE rates_by_period (period date PRIMARY KEY, {cols}) ON COMMIT DROP"
        )
        if rows:
            placeholders = ", ".join(["%s"] * (len(RATE_COLUMNS) + 1))
            cursor.executemany(f"INSERT INTO rates_by_period VALUES ({placeholders})", rows)  # noqa: S608


def post_checked_contributions(*, batch_id: int, now: dt.datetime) -> int:
    """Post the valid rows of the temp table `checked_contribution` (with `rates_by_period` loaded).

    Returns the number of contributions inserted; rows already present are skipped.
    """
    with connection.cursor() as cursor:
        cursor.execute(_POST, {"now": now, "batch": batch_id})
        (posted, _accounts) = cursor.fetchone()
    return int(posted)


def import_contributions(path: str | Path) -> ImportReport:
    report = ImportReport(kind="import_contributions", file_name=Path(path).name)
    today = timezone.localdate()
    now = timezone.now()
    params: dict[str, Any] = {"today": today, "this_month": today.replace(day=1), "now": now}
    with open_csv(path, COLUMNS) as handle, transaction.atomic():
        batch = ImportBatch.objects.create(kind=report.kind, file_name=report.file_name)
        with connection.cursor() as cursor:
            create_temp_table(_STAGING)
            report.read = copy_into("staging_contribution", COLUMNS, handle)
            create_temp_table(_PARSED)
            cursor.execute("SELECT DISTINCT period FROM parsed_contribution WHERE period IS NOT NULL")
            load_rates([row[0] for row in cursor.fetchall()])
            create_temp_table(_CHECKED, params)
            report.rejected = list(
                fetch_rejections(
                    "SELECT line, problem FROM checked_contribution WHERE problem IS NOT NULL ORDER BY line"
                )
            )
            report.posted = post_checked_contributions(batch_id=batch.pk, now=now)
        report.duplicate = report.read - len(report.rejected) - report.posted
        report.save_batch(batch)
    return report
