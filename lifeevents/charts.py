"""The JP projection drawn with the Simulasi JHT's bar-chart geometry (layanan.jht_projection.chart_for):
one bar per year, the monthly pension estimate if the worker keeps contributing to the end of that
year (zero while the months are too few for a monthly pension: a lump sum then, shown in the table)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from layanan.jht_projection import Projection, ProjectionYear
from lifeevents.rules import JpYear


def jp_chart_projection(years: Sequence[JpYear], pension_date: dt.date) -> Projection:
    return Projection(
        start_balance_idr=0,
        retirement_date=pension_date,
        years=[
            ProjectionYear(
                year=y.year,
                age=0,
                contributions_idr=0,
                development_idr=0,
                balance_idr=y.estimate.monthly_idr,
            )
            for y in years
        ],
    )
