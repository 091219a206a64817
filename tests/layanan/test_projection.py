"""The JHT estimate: arithmetic on known figures, edge cases, and the SVG chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from layanan.jht_projection import chart_for, project_jht, retirement_date


def test_no_wage_and_no_return_keeps_the_balance() -> None:
    p = project_jht(
        balance_idr=10_000_000,
        monthly_wage_idr=0,
        contribution_percent=Decimal("5.7"),
        birth_date=dt.date(1990, 5, 17),
        today=dt.date(2026, 11, 22),
        wage_growth_percent=Decimal(0),
        return_percent=Decimal(0),
    )
    assert p.retirement_date == dt.date(2046, 5, 17)
    assert [y.year for y in p.years] == list(range(2026, 2047))
    assert p.final_balance_idr == 10_000_000


def test_contributions_months_until_the_birthday_month() -> None:
    # Today November 2026, 56 in March 2027: December 2026, January and February 2027 are contributed.
    p = project_jht(
        balance_idr=0,
        monthly_wage_idr=1_000_000,
        contribution_percent=Decimal("5.7"),
        birth_date=dt.date(1971, 3, 10),
        today=dt.date(2026, 11, 22),
        wage_growth_percent=Decimal(0),
        return_percent=Decimal(0),
    )
    assert [(y.year, y.contributions_idr) for y in p.years] == [(2026, 57_000), (2027, 114_000)]
    assert p.final_balance_idr == 171_000


def test_return_compounds_on_the_balance_and_half_on_new_contributions() -> None:
    p = project_jht(
        balance_idr=100_000_000,
        monthly_wage_idr=1_000_000,
        contribution_percent=Decimal("5.7"),
        birth_date=dt.date(1970, 7, 1),  # 56 on 1 July 2026
        today=dt.date(2026, 1, 15),
        wage_growth_percent=Decimal(0),
        return_percent=Decimal(10),
    )
    # February to June are contributed (5 x 57.000); five months (February-June) earn the return:
    # 100.000.000 x 10 % x 5/12 + 285.000 x 10 % x 5/12 / 2 = 4.166.666,67 + 5.937,5 -> 4.172.604.
    assert len(p.years) == 1
    assert p.years[0].contributions_idr == 285_000
    assert p.years[0].development_idr == 4_172_604
    assert p.final_balance_idr == 100_000_000 + 285_000 + 4_172_604


def test_a_full_year_earns_the_full_rate_on_the_opening_balance() -> None:
    grown = project_jht(
        balance_idr=1_000_000,
        monthly_wage_idr=0,
        contribution_percent=Decimal("5.7"),
        birth_date=dt.date(1980, 1, 1),
        today=dt.date(2026, 1, 1),
        wage_growth_percent=Decimal(0),
        return_percent=Decimal(10),
    )
    y2026, y2027 = grown.years[0], grown.years[1]
    assert y2027.development_idr == round(y2026.balance_idr * 10 / 100)


def test_already_56_gives_no_years() -> None:
    p = project_jht(
        balance_idr=5_000_000,
        monthly_wage_idr=3_000_000,
        contribution_percent=Decimal("5.7"),
        birth_date=dt.date(1960, 1, 1),
        today=dt.date(2026, 11, 22),
    )
    assert p.years == []
    assert p.final_balance_idr == 5_000_000


def test_leap_day_birthday() -> None:
    assert retirement_date(dt.date(1972, 2, 29)) == dt.date(2028, 2, 29)
    assert retirement_date(dt.date(2044, 2, 29)) == dt.date(2100, 3, 1)  # 2100 is not a leap year


def test_chart_bars_fit_the_plot_and_grow() -> None:
    p = project_jht(
        balance_idr=10_000_000,
        monthly_wage_idr=5_000_000,
        contribution_percent=Decimal("5.7"),
        birth_date=dt.date(1990, 5, 17),
        today=dt.date(2026, 11, 22),
    )
    chart = chart_for(p)
    assert len(chart.bars) == len(p.years)
    heights = [b.height for b in chart.bars]
    assert heights == sorted(heights)
    assert all(b.y >= 0 and b.y + b.height <= chart.baseline + 0.01 for b in chart.bars)
    assert chart.gridlines[0][1] == "Rp0"
