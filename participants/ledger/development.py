"""Yearly JHT development return (hasil pengembangan), credited set-based and idempotently.

Crediting rule (ours; no official formula exists, docs/balance.md#development-return): at the end of
year Y, every KPJ receives
    round_half_up(rate_Y / 100 * sum(amount * days_held) / days_in_Y)
where an entry dated on or before 1 January counts for the whole year, an entry dated d in Y counts
for (31 December - d + 1) days, and entries after 31 December do not count. Earlier years' development
entries are part of the balance, so returns compound. The entry is dated 31 December Y with the
idempotency key `development:<account>:<Y>`: running the crediting twice credits once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import connection, transaction
from django.utils import timezone

from participants.rates.selectors import development_rate_for

log = structlog.get_logger(__name__)

_CREDIT = """
WITH averages AS (
    SELECT e.account_id,
           sum(e.amount_idr::numeric
               * ((%(year_end)s::date - greatest(e.value_date, %(year_start)s::date)) + 1)) AS weighted
    FROM participants_ledgerentry e
    WHERE e.value_date <= %(year_end)s
      AND NOT (e.kind = 'development' AND e.year >= %(year)s)
    GROUP BY e.account_id
), amounts AS (
    SELECT account_id, round(weighted * %(rate)s / 100 / %(days)s)::bigint AS amount
    FROM averages
), ledger AS (
    INSERT INTO participants_ledgerentry (
        account_id, kind, amount_idr, employer_idr, worker_idr, value_date, period, year,
        idempotency_key, reason, created_at)
    SELECT account_id, 'development', amount, 0, 0, %(year_end)s, NULL, %(year)s,
           'development:' || account_id || ':' || %(year)s, %(reason)s, %(now)s
    FROM amounts WHERE amount > 0
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING account_id, amount_idr
), balances AS (
    INSERT INTO participants_jhtbalance AS b (
        account_id, balance_idr, employer_idr, worker_idr, development_idr, other_idr, entries_count,
        updated_at)
    SELECT account_id, amount_idr, 0, 0, amount_idr, 0, 1, %(now)s FROM ledger
    ON CONFLICT (account_id) DO UPDATE SET
        balance_idr = b.balance_idr + EXCLUDED.balance_idr,
        development_idr = b.development_idr + EXCLUDED.development_idr,
        entries_count = b.entries_count + 1,
        updated_at = EXCLUDED.updated_at
    RETURNING 1
)
SELECT count(*), coalesce(sum(amount_idr), 0) FROM ledger
"""


@dataclass(frozen=True)
class DevelopmentResult:
    year: int
    rate_percent: str | None
    accounts_credited: int
    total_idr: int


def development_credit_year(*, year: int) -> DevelopmentResult:
    """Credit year `year`'s development return to every KPJ. Idempotent per (KPJ, year).

    Does nothing (and says so) when the year has no rate in the table or has not ended yet.
    """
    rate = development_rate_for(year)
    if rate is None:
        log.warning("development.no_rate", year=year)
        return DevelopmentResult(year, None, 0, 0)
    if dt.date(year, 12, 31) >= timezone.localdate():
        raise ValueError(f"year {year} has not ended yet")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    params: dict[str, Any] = {
        "year": year,
        "year_start": start,
        "year_end": end,
        "days": (end - start).days + 1,
        "rate": rate.rate_percent,
        "reason": f"Hasil pengembangan {year} ({rate.rate_percent}%)",
        "now": timezone.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CREDIT, params)
        count, total = cursor.fetchone()
    log.info("development.credited", year=year, accounts=count, total_idr=int(total))
    return DevelopmentResult(year, str(rate.rate_percent), int(count), int(total))
