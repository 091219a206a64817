"""`import_contributions FILE.csv` — columns kpj,employer_npp,period,wage_idr,paid_at.

Shares come from the rate table in force for each period (JHT 3.7 % + 2 %, JP 2 % + 1 % of the wage
capped at the JP cap, JKK by the employer's risk class, JKM 0.30 %), each rounded half up to whole
rupiah, the rule of `participants/rates/calc.py:pu_shares` (a test keeps the two equal). Posting is
set-based: one statement inserts the contributions and stages their JHT entries, and
`ledger_post_batch` appends the entries and moves the balances, in the import's one transaction, so
a valid row is posted whole or not at all.

Throughput (bench/README.md: at least 0.6 of a bare COPY of the same rows) shapes the SQL:
- `period` and `paid_at` take few distinct values per file, so they are parsed once per distinct value
  in Python into small lookup tables instead of a regex and a date conversion per row.
- Validation is one pass over the staging table. In-file duplicates are found with `lag()` over the
  rows sorted by (participant, period, employer, line): a window over one partition is much cheaper
  than `row_number()` over a million one-row partitions, and the sort is the unique index's order, so
  the posting inserts in index order (half the cost of file order).
- Shares are computed in bigint: each rate becomes an integer numerator over a power-of-ten
  denominator, and `(wage * n + den / 2) / den` is round-half-up for non-negative amounts, exactly
  `round(wage * rate / 100)` without numeric arithmetic (~2 s per million rows). Rates whose scale
  could overflow bigint fall back to the numeric expression.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from participants.imports.base import (
    ImportReport,
    copy_into,
    create_temp_table,
    fetch_rejections,
    open_csv,
)
from participants.ledger.services import (
    STAGING_TABLE,
    ledger_post_batch,
    ledger_staging_create,
    violated_constraint,
)
from participants.models import ImportBatch
from participants.rates.selectors import MissingRate, rate_table_on

COLUMNS = ["kpj", "employer_npp", "period", "wage_idr", "paid_at"]
# Percentages; each also stored as `<name>_n`, its integer numerator over `den` (jp_cap, rupiah, too).
RATE_COLUMNS = ["jht_er", "jht_ee", "jp_er", "jp_ee", "jkk1", "jkk2", "jkk3", "jkk4", "jkk5", "jkm"]
MAX_WAGE = 10**12 - 1  # wage_idr has at most 12 digits
# Session settings for the import's own transaction only (SET LOCAL): sorts, the window and the
# posting's CTEs stay in memory instead of spilling to temp files.
WORK_MEM = "256MB"

_PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
_DATE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")

_STAGING = """
CREATE TEMP TABLE staging_contribution (
    line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
    kpj text, employer_npp text, period text, wage_idr text, paid_at text
) ON COMMIT DROP
"""

# One row per distinct `period` text of the file that is a valid month: its date and whether the rate
# table has figures for it. Texts not listed here are malformed.
_PERIODS = (
    "CREATE TEMP TABLE periods_in_file (text text PRIMARY KEY, period date, has_rate boolean) ON COMMIT DROP"
)
# One row per distinct valid `paid_at` text: the date, and midnight of it in Jakarta as the timestamp.
_PAID_DATES = """
CREATE TEMP TABLE paid_dates_in_file (text text PRIMARY KEY, paid_on date, paid_at timestamptz) ON COMMIT DROP
"""

# The columns `post_checked_contributions` reads: participant_id, employer_id, risk_class, period,
# wage, paid_at, problem (seed_scale builds the same table from generated data).
_CHECKED = """
CREATE TEMP TABLE checked_contribution ON COMMIT DROP AS
SELECT x.line, x.participant_id, x.employer_id, x.risk_class, x.period, x.wage, x.paid_on, x.paid_at, CASE
    WHEN x.participant_id IS NULL THEN 'KPJ tidak dikenal'
    WHEN x.employer_id IS NULL THEN 'NPP pemberi kerja tidak dikenal'
    WHEN x.period IS NULL THEN 'periode harus berformat YYYY-MM'
    WHEN x.period > %(this_month)s THEN 'periode di masa depan'
    WHEN x.wage IS NULL THEN 'upah harus bilangan bulat rupiah (tanpa titik atau koma)'
    WHEN x.paid_on IS NULL THEN 'tanggal bayar harus tanggal valid berformat YYYY-MM-DD'
    WHEN x.paid_on > %(today)s THEN 'tanggal bayar di masa depan'
    WHEN NOT x.has_rate THEN 'tarif iuran untuk periode ini tidak tersedia'
    -- Rows reaching this test have all three keys set; the previous row in key order with the same
    -- keys has a smaller line number: this row is a second occurrence.
    WHEN (x.participant_id, x.period, x.employer_id)
         = (lag(x.participant_id) OVER w, lag(x.period) OVER w, lag(x.employer_id) OVER w)
        THEN 'baris ganda untuk KPJ, pemberi kerja dan periode yang sama'
  END AS problem
FROM (
    SELECT s.line, p.id AS participant_id, e.id AS employer_id, e.risk_class, f.period, f.has_rate,
           -- 1-12 ASCII digits (cheaper than a regular expression per row)
           CASE WHEN octet_length(s.wage_idr) BETWEEN 1 AND 12 AND ltrim(s.wage_idr, '0123456789') = ''
                THEN s.wage_idr::bigint END AS wage,
           d.paid_on, d.paid_at
    FROM staging_contribution s
    LEFT JOIN participants_participant p ON p.kpj = s.kpj
    LEFT JOIN participants_employer e ON e.npp = s.employer_npp
    LEFT JOIN periods_in_file f ON f.text = s.period
    LEFT JOIN paid_dates_in_file d ON d.text = s.paid_at
) x
WINDOW w AS (ORDER BY x.participant_id, x.period, x.employer_id, x.line)
"""

# Inserts the valid rows and stages the JHT entry of each inserted row for `ledger_post_batch` (key
# `contribution:<id>`, as a BPU payment's credit). Returns the number of contributions inserted.
_POST = """
WITH inserted AS (
    INSERT INTO participants_contribution (
        participant_id, employer_id, period, wage_idr, jht_employer_idr, jht_worker_idr,
        jp_employer_idr, jp_worker_idr, jkk_idr, jkm_idr, paid_at, posted_at, batch_id)
    SELECT c.participant_id, c.employer_id, c.period, c.wage,
           {jht_er}, {jht_ee}, {jp_er}, {jp_ee}, {jkk}, {jkm},
           c.paid_at, %(now)s, %(batch)s
    FROM checked_contribution c JOIN rates_by_period r ON r.period = c.period
    WHERE c.problem IS NULL
    {on_conflict}
    RETURNING id, participant_id, period, jht_employer_idr, jht_worker_idr, paid_at
), staged AS (
    INSERT INTO {staging} (
        account_id, kind, amount_idr, employer_idr, worker_idr, value_date, period, idempotency_key)
    SELECT participant_id, 'contribution', jht_employer_idr + jht_worker_idr, jht_employer_idr,
           jht_worker_idr, (paid_at AT TIME ZONE 'Asia/Jakarta')::date, period, 'contribution:' || id
    FROM inserted WHERE jht_employer_idr + jht_worker_idr > 0
)
SELECT count(*) FROM inserted
"""


def _post_sql(*, exact_integer: bool, skip_present: bool = True) -> str:
    """The posting statement, shares in bigint (`exact_integer`) or, as a fallback, in numeric.

    With `skip_present` a row whose (KPJ, month, employer) is already posted is skipped; without it,
    such a row makes the statement fail on the unique constraint.
    """
    suffix = "_n" if exact_integer else ""

    def percent(wage: str, rate: str) -> str:
        if exact_integer:
            return f"(({wage}) * {rate} + r.den / 2) / r.den"
        return f"round(({wage}) * {rate} / 100)"

    jkk = " ".join(f"WHEN {n} THEN r.jkk{n}{suffix}" for n in range(1, 5))
    return _POST.format(
        staging=STAGING_TABLE,
        on_conflict="ON CONFLICT ON CONSTRAINT contribution_unique_month DO NOTHING" if skip_present else "",
        jht_er=percent("c.wage", f"r.jht_er{suffix}"),
        jht_ee=percent("c.wage", f"r.jht_ee{suffix}"),
        jp_er=percent(f"least(c.wage, r.jp_cap{suffix})", f"r.jp_er{suffix}"),
        jp_ee=percent(f"least(c.wage, r.jp_cap{suffix})", f"r.jp_ee{suffix}"),
        jkk=percent("c.wage", f"(CASE c.risk_class {jkk} ELSE r.jkk5{suffix} END)"),
        jkm=percent("c.wage", f"r.jkm{suffix}"),
    )


def load_rates(periods: list[dt.date]) -> bool:
    """Fill `rates_by_period` with the figures in force for each period (periods without rates omitted).

    Each percentage is stored as numeric and as an integer numerator over the period's `den`
    (100 * 10^scale). Returns whether the bigint form is exact and cannot overflow for any wage of at
    most 12 digits (it is for every rate table so far; otherwise the posting uses numeric).
    """
    rows: list[list[Any]] = []
    exact_integer = True
    for period in sorted(set(periods)):
        try:
            rates = rate_table_on(period)
            values = [
                rates.get("JHT", "PU", "employer"),
                rates.get("JHT", "PU", "worker"),
                rates.get("JP", "PU", "employer"),
                rates.get("JP", "PU", "worker"),
                *(rates.get("JKK", "PU", f"risk_{n}") for n in range(1, 6)),
                rates.get("JKM", "PU", "employer"),
            ]
            cap = rates.get("JP", "PU", "wage_cap")
        except MissingRate:
            continue
        scale = max(0, *(-int(v.as_tuple().exponent) for v in values))
        den = 100 * 10**scale
        numerators = [int(v.scaleb(scale)) for v in values]
        exact_integer = exact_integer and (
            all(Decimal(n) == v.scaleb(scale) and n >= 0 for n, v in zip(numerators, values, strict=True))
            and cap == int(cap)
            and MAX_WAGE * max(numerators) + den < 2**63
        )
        rows.append([period, cap, int(cap), den, *values, *numerators])
    cols = ", ".join([*(f"{c} numeric" for c in RATE_COLUMNS), *(f"{c}_n bigint" for c in RATE_COLUMNS)])
    create_temp_table(
        "CREATE TEMP TABLE rates_by_period (period date PRIMARY KEY, jp_cap numeric, jp_cap_n bigint,"
        f" den bigint, {cols}) ON COMMIT DROP"
    )
    if rows:
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO rates_by_period VALUES ({placeholders})", rows)  # noqa: S608
    return exact_integer


def post_checked_contributions(*, batch_id: int, now: dt.datetime, exact_integer: bool) -> int:
    """Post the valid rows of the temp table `checked_contribution` (with `rates_by_period` loaded):
    the contribution rows, then their JHT entries and balances through `ledger_post_batch`.

    `exact_integer` is what `load_rates` returned. Rows are inserted in the table's physical order:
    build it in (participant, period, employer) order for speed. Returns the number of contributions
    inserted; rows already present are skipped (and their JHT was credited when they were posted).

    Most files bring only months not posted yet, so the plain INSERT is tried first, in a savepoint:
    it skips ON CONFLICT's per-row speculative insertion, ~1.4 s per million rows (bench/README.md).
    If any row is already present it fails on the unique constraint at that row, the savepoint undoes
    its work (the staged entries with it), and the ON CONFLICT statement posts the rest. A concurrent
    import of the same rows ends the same way: the plain INSERT waits for the other transaction, then
    fails and falls back.
    """
    params: dict[str, Any] = {"now": now, "batch": batch_id}
    with transaction.atomic():
        staging = ledger_staging_create()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_post_sql(exact_integer=exact_integer, skip_present=False), params)
                (posted,) = cursor.fetchone()
        except IntegrityError as error:
            if violated_constraint(error) != "contribution_unique_month":
                raise
            with connection.cursor() as cursor:
                cursor.execute(_post_sql(exact_integer=exact_integer), params)
                (posted,) = cursor.fetchone()
        ledger_post_batch(entries=staging, now=now)
    return int(posted)


def _parse_period(text: str) -> dt.date | None:
    match = _PERIOD.fullmatch(text)
    if match is None or match[1] == "0000":
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def _parse_date(text: str) -> dt.date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # 30 February, year 0
        return None


def load_lookups() -> bool:
    """Parse the distinct `period` and `paid_at` texts of the staging table into their lookup tables
    (and load the rates of those periods; returns `load_rates`'s answer).

    Only valid texts get a row; a staging row whose text has none is reported as malformed.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT period FROM staging_contribution WHERE period IS NOT NULL")
        periods = {text: period for (text,) in cursor.fetchall() if (period := _parse_period(text))}
        cursor.execute("SELECT DISTINCT paid_at FROM staging_contribution WHERE paid_at IS NOT NULL")
        paid = {text: day for (text,) in cursor.fetchall() if (day := _parse_date(text))}
    exact_integer = load_rates(list(periods.values()))
    create_temp_table(_PERIODS)
    create_temp_table(_PAID_DATES)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO periods_in_file SELECT t.text, t.period, EXISTS "
            "(SELECT 1 FROM rates_by_period r WHERE r.period = t.period) "
            "FROM unnest(%s::text[], %s::date[]) AS t(text, period)",
            [list(periods), list(periods.values())],
        )
        cursor.execute(
            "INSERT INTO paid_dates_in_file SELECT t.text, t.day, "
            "t.day::timestamp AT TIME ZONE 'Asia/Jakarta' "
            "FROM unnest(%s::text[], %s::date[]) AS t(text, day)",
            [list(paid), list(paid.values())],
        )
    return exact_integer


def import_contributions(path: str | Path) -> ImportReport:
    """Import the file: stage it, validate every row, then post the valid rows, all in one transaction.

    Bad rows are reported with their line number and post nothing; a valid row is posted whole (the
    contribution, its JHT entry, the balance) or not at all. Idempotent: rows already posted (same
    KPJ, employer and month) are skipped, so re-running a file, or a file that was partly posted
    before, posts each row once.

    One transaction rather than committed chunks: the valid rows are posted all together or not at all, so
    there is never a half-posted batch to find and resume, and the batch row is finished when it
    commits. It costs one transaction of the file's size (1 M rows: ~13 s on a quiet machine, ~0.7 GB
    of WAL; the balance rows of the file's KPJs stay locked from the posting until the commit).
    Contribution imports run one after the other (a transaction-level advisory lock): two imports with
    KPJs in common would otherwise lock those balance rows in different orders.
    """
    report = ImportReport(kind="import_contributions", file_name=Path(path).name)
    today = timezone.localdate()
    params: dict[str, Any] = {"today": today, "this_month": today.replace(day=1), "now": timezone.now()}
    with open_csv(path, COLUMNS) as handle, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('participants.import_contributions'))")
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        batch = ImportBatch.objects.create(kind=report.kind, file_name=report.file_name)
        create_temp_table(_STAGING)
        report.read = copy_into("staging_contribution", COLUMNS, handle)
        exact_integer = load_lookups()
        create_temp_table(_CHECKED, params)
        report.rejected = list(
            fetch_rejections(
                "SELECT line, problem FROM checked_contribution WHERE problem IS NOT NULL ORDER BY line"
            )
        )
        report.posted = post_checked_contributions(
            batch_id=batch.pk, now=params["now"], exact_integer=exact_integer
        )
        report.duplicate = report.read - len(report.rejected) - report.posted
        report.save_batch(batch)
    return report
