"""The JP projection drawn with the Simulasi JHT's bar-chart geometry (layanan.jht_projection.chart_for):
one bar per year. When the worker reaches the months for a monthly pension by the pension date, the bars
are the monthly pension at the end of each year (zero while still short of them); otherwise every bar is
the lump sum (JP started in July 2015: no one has 180 months before July 2030)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from layanan.jht_projection import Projection, ProjectionYear
from lifeevents.rules import JpYear


def jp_chart_projection(years: Sequence[JpYear], pension_date: dt.date, *, lump_sum: bool) -> Projection:
    return Projection(
        start_balance_idr=0,
        retirement_date=pension_date,
        years=[
            ProjectionYear(
                year=y.year,
                age=0,
                contributions_idr=0,
                development_idr=0,
                balance_idr=y.estimate.lump_sum_idr if lump_sum else y.estimate.monthly_idr,
            )
            for y in years
        ],
    )
