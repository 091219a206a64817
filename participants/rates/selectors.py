"""Reading the rate table: the figures in force on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from participants.rates.models import DevelopmentRate, Rate


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


def rate_table_on(on: dt.date) -> RateTable:
    """Every component's newest value with `effective_from <= on`. One query."""
    rows = (
        Rate.objects.filter(effective_from__lte=on)
        .order_by("program", "segment", "component", "-effective_from")
        .distinct("program", "segment", "component")
        .values_list("program", "segment", "component", "value")
    )
    return RateTable(on=on, values={(p, s, c): v for p, s, c, v in rows})


def development_rate_for(year: int) -> DevelopmentRate | None:
    return DevelopmentRate.objects.filter(year=year).first()
