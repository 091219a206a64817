"""Simulasi JHT: an estimate of the JHT balance at age 56. Pure arithmetic, no database.

Model (ours; an estimate, not a promise, and the page says so):
- Start: today's JHT balance of every KPJ of the person (the balance rows, never a sum of the ledger).
- Contributions: `monthly_wage_idr * contribution_percent` every month from next month until the month
  before the 56th birthday. The wage grows by `wage_growth_percent` every January.
- Return: each year the balance at the start of the year earns `return_percent`, and that year's
  contributions earn half of it (they arrive spread over the year: the mid-year convention, the same
  idea as the time-weighted crediting rule, docs/balance.md#development-return). The year of the 56th
  birthday counts up to the birthday, pro rata by months.
- Rounding: every yearly figure (contributions, return) is rounded half up to whole rupiah once with
  `portal.money.round_rupiah`, then added; the running balance is whole rupiah.

Defaults (`DEFAULT_WAGE_GROWTH`, `default_return_percent`): wage growth 5 % a year (roughly the recent
yearly minimum-wage rises, an assumption); return = the newest **published** development rate in the
rate table (docs/balance.md#development-return: 2020 5.63 %), falling back to 5.63 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from portal.money import round_rupiah

RETIREMENT_AGE = 56
DEFAULT_WAGE_GROWTH = Decimal("5")
FALLBACK_RETURN = Decimal("5.63")
_HUNDRED = Decimal(100)
_TWELVE = Decimal(12)


@dataclass(frozen=True)
class ProjectionYear:
    year: int
    age: int
    contributions_idr: int
    development_idr: int
    balance_idr: int  # at the end of the year (or at the 56th birthday in the last year)


@dataclass(frozen=True)
class Projection:
    start_balance_idr: int
    retirement_date: dt.date
    years: list[ProjectionYear]

    @property
    def final_balance_idr(self) -> int:
        return self.years[-1].balance_idr if self.years else self.start_balance_idr

    @property
    def total_contributions_idr(self) -> int:
        return sum(y.contributions_idr for y in self.years)

    @property
    def total_development_idr(self) -> int:
        return sum(y.development_idr for y in self.years)


def retirement_date(birth_date: dt.date) -> dt.date:
    try:
        return birth_date.replace(year=birth_date.year + RETIREMENT_AGE)
    except ValueError:  # 29 February
        return dt.date(birth_date.year + RETIREMENT_AGE, 3, 1)


def project_jht(
    *,
    balance_idr: int,
    monthly_wage_idr: int,
    contribution_percent: Decimal,
    birth_date: dt.date,
    today: dt.date,
    wage_growth_percent: Decimal = DEFAULT_WAGE_GROWTH,
    return_percent: Decimal = FALLBACK_RETURN,
) -> Projection:
    """The balance per year from this year to the year of the 56th birthday (empty when already 56)."""
    end = retirement_date(birth_date)
    years: list[ProjectionYear] = []
    balance = balance_idr
    wage = Decimal(monthly_wage_idr)
    growth = Decimal(1) + wage_growth_percent / _HUNDRED
    rate = return_percent / _HUNDRED
    for year in range(today.year, end.year + 1):
        if year > today.year:
            wage = wage * growth
        first_month = today.month + 1 if year == today.year else 1
        last_month = end.month - 1 if year == end.year else 12  # contributions stop before the birthday
        months = max(last_month - first_month + 1, 0)
        # Share of the year that earns a return: the rest of this year, whole years, up to the birthday.
        start_month = today.month if year == today.year else 0
        end_month = end.month - 1 if year == end.year else 12
        share = Decimal(max(end_month - start_month, 0)) / _TWELVE
        if year == today.year and year == end.year and share == 0:
            break
        contributions = round_rupiah(wage * contribution_percent / _HUNDRED * months)
        development = round_rupiah(
            Decimal(balance) * rate * share + Decimal(contributions) * rate * share / 2
        )
        balance = balance + contributions + development
        years.append(
            ProjectionYear(
                year=year,
                age=year - birth_date.year,
                contributions_idr=contributions,
                development_idr=development,
                balance_idr=balance,
            )
        )
    return Projection(start_balance_idr=balance_idr, retirement_date=end, years=years)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_idr: int
    show_label: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    gridlines: list[tuple[float, str]]  # (y, label)
    baseline: float
    left: float

    @property
    def axis_label_x(self) -> float:
        return self.left - 4

    @property
    def year_label_y(self) -> float:
        return self.baseline + 16


def chart_for(projection: Projection, *, width: int = 640, height: int = 260) -> Chart:
    """Bar positions (SVG user units) of the balance per year: computed here, drawn by the template
    with attributes and CSS classes only (no inline styles: CSP)."""
    left, right, top, bottom = 70.0, 10.0, 10.0, 30.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [y.balance_idr for y in projection.years]
    peak = max([*values, 1])
    step = _nice_step(peak)
    top_value = step * -(-peak // step)
    n = max(len(values), 1)
    slot = plot_w / n
    label_every = max(1, -(-n // 10))
    bars = []
    for i, point in enumerate(projection.years):
        h = plot_h * point.balance_idr / top_value
        bars.append(
            Bar(
                x=round(left + i * slot + slot * 0.15, 2),
                y=round(top + plot_h - h, 2),
                width=round(slot * 0.7, 2),
                height=round(h, 2),
                label=str(point.year),
                value_idr=point.balance_idr,
                show_label=i % label_every == 0 or i == n - 1,
            )
        )
    gridlines = []
    value = 0
    while value <= top_value:
        gridlines.append((round(top + plot_h - plot_h * value / top_value, 2), _short_rupiah(value)))
        value += step
    return Chart(width=width, height=height, bars=bars, gridlines=gridlines, baseline=top + plot_h, left=left)


def _nice_step(peak: int) -> int:
    """A round gridline step giving about four lines."""
    raw = max(peak // 4, 1)
    magnitude = 10 ** (len(str(raw)) - 1)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _short_rupiah(value: int) -> str:
    """Axis labels: `Rp1,5 M`, `Rp250 jt`, `Rp500.000` (Decimal, no float)."""
    for unit, suffix in ((1_000_000_000, "M"), (1_000_000, "jt")):
        if value >= unit:
            amount = (Decimal(value) / unit).normalize()
            return f"Rp{amount:f} {suffix}".replace(".", ",")
    return f"Rp{value:,}".replace(",", ".")
