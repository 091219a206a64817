"""Reading the rate table: the figures in force on a date."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from participants.rates.models import DevelopmentRate, DiscountProgramme, HolidayOverride, Rate


class MissingRate(LookupError):
    pass


@dataclass(frozen=True)
class RateTable:
    on: dt.date
    values: dict[tuple[str, str, str], Decimal]

    def get(self, program: str, segment: str, component: str) -> Decimal:
        try:
            return self.values[(program, segment, component)]
        except KeyError:
            raise MissingRate(f"no {program}/{segment}/{component} rate in force on {self.on}") from None

    def rupiah(self, program: str, segment: str, component: str) -> int:
        return int(self.get(program, segment, component))


def in_force_on(on: dt.date) -> Q:
    """Rows whose [effective_from, effective_to] covers `on` (an empty `effective_to` is open-ended)."""
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def rate_table_on(on: dt.date) -> RateTable:
    """Every component's value in force on `on` (at most one per name: rows never overlap). One query."""
    rows = (
        Rate.objects.filter(in_force_on(on))
        .order_by("program", "segment", "component", "-effective_from")
        .distinct("program", "segment", "component")
        .values_list("program", "segment", "component", "value")
    )
    return RateTable(on=on, values={(p, s, c): v for p, s, c, v in rows})


def discounts_between(segment: str, first: dt.date, last: dt.date) -> list[DiscountProgramme]:
    """The discount programmes of `segment` covering any contribution month from `first` to `last`
    (first days of months). One query."""
    return list(
        DiscountProgramme.objects.filter(segment=segment, first_period__lte=last, last_period__gte=first)
    )


def development_rate_for(year: int) -> DevelopmentRate | None:
    return DevelopmentRate.objects.filter(year=year).first()


def public_holidays_between(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """Indonesian public holidays from `start` to `end` inclusive: the `holidays` library's calendar
    (Idul Fitri and other lunar dates included) corrected by `HolidayOverride` rows (cached, see
    `holiday_overrides`)."""
    import holidays

    if end < start:
        return frozenset()
    days = {d for d in holidays.Indonesia(years=range(start.year, end.year + 1)) if start <= d <= end}
    for day, is_holiday in holiday_overrides().items():
        if not start <= day <= end:
            continue
        if is_holiday:
            days.add(day)
        else:
            days.discard(day)
    return frozenset(days)


HOLIDAY_OVERRIDES_CACHE_KEY = "rates:holiday-overrides:v1"


def holiday_overrides() -> dict[dt.date, bool]:
    """Every HolidayOverride row as {date: is_holiday}, from the shared cache when it holds them.

    The table is tiny (a few dozen days a year) and read on every page that shows a payment due date,
    so it is cached whole; saving or deleting a row drops the entry (participants/rates/signals.py).
    When Redis is unreachable the rows are read from PostgreSQL: a due date never fails on the cache.
    """
    from django.core.cache import cache

    try:
        cached = cache.get(HOLIDAY_OVERRIDES_CACHE_KEY)
    except Exception:  # the cache is an optimisation only
        cached = None
    if cached is not None:
        return dict(cached)
    rows = dict(HolidayOverride.objects.values_list("date", "is_holiday"))
    with contextlib.suppress(Exception):  # see above
        cache.set(HOLIDAY_OVERRIDES_CACHE_KEY, rows, timeout=3600)
    return rows
