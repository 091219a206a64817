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

from participants.ledger.services import ledger_post_batch, ledger_staging_create
from participants.rates.selectors import development_rate_for

log = structlog.get_logger(__name__)

# One entry per KPJ with a return above zero, staged for `ledger_post_batch`.
_STAGE = """
INSERT INTO {staging} (account_id, kind, amount_idr, value_date, year, idempotency_key, reason)
SELECT account_id, 'development', amount, %(year_end)s, %(year)s,
       'development:' || account_id || ':' || %(year)s, %(reason)s
FROM (
    SELECT e.account_id,
           round(sum(e.amount_idr::numeric
                     * ((%(year_end)s::date - greatest(e.value_date, %(year_start)s::date)) + 1))
                 * %(rate)s / 100 / %(days)s)::bigint AS amount
    FROM participants_ledgerentry e
    WHERE e.value_date <= %(year_end)s
      AND NOT (e.kind = 'development' AND e.year >= %(year)s)
    GROUP BY e.account_id
) amounts
WHERE amount > 0
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
    with transaction.atomic():
        staging = ledger_staging_create()
        with connection.cursor() as cursor:
            cursor.execute(_STAGE.format(staging=staging.table), params)
        posted = ledger_post_batch(entries=staging, now=params["now"])
    log.info("development.credited", year=year, accounts=posted.entries, total_idr=posted.total_idr)
    return DevelopmentResult(year, str(rate.rate_percent), posted.entries, posted.total_idr)
