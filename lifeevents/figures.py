"""The life-event figures in force on a date, read from the effective-dated rate table
(participants.rates). One query per date; `MissingRate` when the table has no figure for the date."""

from __future__ import annotations

import datetime as dt

from lifeevents.rules import JkpFigures, JpFigures
from participants.rates.models import Rate
from participants.rates.selectors import rate_table_on


def jkp_figures_on(on: dt.date) -> JkpFigures:
    """The JKP rules in force on the PHK date `on` (PP 37/2021, PP 6/2025; docs/life-events.md)."""
    t = rate_table_on(on)
    return JkpFigures(
        benefit_percent=t.get("JKP", "PU", "benefit_percent"),
        benefit_months=t.rupiah("JKP", "PU", "benefit_months"),
        wage_cap_idr=t.rupiah("JKP", "PU", "benefit_wage_cap"),
        claim_window_months=t.rupiah("JKP", "PU", "claim_window_months"),
        min_months=t.rupiah("JKP", "PU", "min_months"),
        window_months=t.rupiah("JKP", "PU", "window_months"),
        consecutive_months=t.rupiah("JKP", "PU", "consecutive_months"),
        arrears_months=t.rupiah("JKP", "PU", "arrears_months"),
    )


def jp_figures_on(on: dt.date) -> JpFigures:
    """The JP benefit rules in force on `on`; the yearly minimum and maximum are None for a date the
    table has no published figure for."""
    t = rate_table_on(on)
    low = t.values.get(("JP", "PU", "benefit_min"))
    high = t.values.get(("JP", "PU", "benefit_max"))
    return JpFigures(
        min_months=t.rupiah("JP", "PU", "min_months"),
        accrual_percent=t.get("JP", "PU", "accrual_percent"),
        benefit_min_idr=int(low) if low is not None else None,
        benefit_max_idr=int(high) if high is not None else None,
    )


def pension_age_schedule() -> list[tuple[dt.date, int]]:
    """Every pension-age row (PP 45/2015 Pasal 15): (effective_from, age). One query."""
    rows = Rate.objects.filter(program="JP", segment="PU", component="pension_age")
    return [(since, int(value)) for since, value in rows.values_list("effective_from", "value")]
