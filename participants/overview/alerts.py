"""Contribution alerts on a bounded window of months. Pure functions, no database access.

- Missing month: a month whose iuran was due (PU: by the 15th of the following month; BPU: by the
  15th of the month itself) while the KPJ was active, and no contribution row exists for it.
  A nonaktif KPJ expects nothing from the month its status changed onwards.
- Wage drop: a month whose reported wage (summed over employers) is lower than the previous month's,
  both months having a contribution. Only months inside the window are reported; the month before the
  window is loaded too so the first month can be compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portal.dates import add_months, month_start

WINDOW_MONTHS = 24
DUE_DAY = 15


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every first-of-month from `first` to `last` inclusive."""
    months: list[dt.date] = []
    current = month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def window_start(today: dt.date) -> dt.date:
    """First month of the alert window: the `WINDOW_MONTHS` months up to the current one."""
    return add_months(month_start(today), -(WINDOW_MONTHS - 1))


def last_due_month(today: dt.date, *, pays_own: bool) -> dt.date:
    """The latest month whose iuran is overdue on `today`."""
    current = month_start(today)
    if pays_own:  # BPU: due by the 15th of the month itself
        return current if today.day > DUE_DAY else add_months(current, -1)
    return add_months(current, -1) if today.day > DUE_DAY else add_months(current, -2)


@dataclass(frozen=True)
class WageDrop:
    month: dt.date
    previous_wage_idr: int
    wage_idr: int


def missing_months(
    *,
    months_paid: Iterable[dt.date],
    registered_on: dt.date,
    today: dt.date,
    pays_own: bool,
    active: bool,
    status_since: dt.date,
) -> list[dt.date]:
    first = max(window_start(today), month_start(registered_on))
    last = last_due_month(today, pays_own=pays_own)
    if not active:
        last = min(last, add_months(month_start(status_since), -1))
    paid = set(months_paid)
    return [m for m in months_between(first, last) if m not in paid]


def wage_drops(*, wages_by_month: Mapping[dt.date, int], today: dt.date) -> list[WageDrop]:
    start = window_start(today)
    drops = []
    for month in sorted(wages_by_month):
        previous = add_months(month, -1)
        if month >= start and previous in wages_by_month and wages_by_month[month] < wages_by_month[previous]:
            drops.append(WageDrop(month, wages_by_month[previous], wages_by_month[month]))
    return drops
