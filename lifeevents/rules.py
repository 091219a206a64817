"""Life-event rules (PHK and pension): pure functions over facts gathered once, no database here.

Every figure comes in as an argument read from the effective-dated rate table (`lifeevents.figures`),
never as a constant in this module. The rules, their sources and our readings are in
docs/life-events.md; summary:

- JKP (PP 37/2021 as amended by PP 6/2025): a qualifying exit (PHK, or a fixed-term contract ended
  before its end date); `min_months` months of contributions among the `window_months` months up to and
  including the PHK month, among them a run of `consecutive_months` ending at the PHK month (or the month
  before it, when the PHK month has not been reported); months the employer reported but did not pay
  count while there are at most `arrears_months` of them in the window. Benefit: `benefit_percent` of the
  last reported wage capped at `wage_cap`, for `benefit_months` months. The right is lost after
  `claim_window_months` months: the last day is the PHK date plus that many months (inclusive).
- JP (PP 45/2015): pension age from the year's schedule; with at least `min_months` months of
  contributions, a monthly pension of `accrual_percent` % x years of contribution x average wage,
  within the year's minimum and maximum; with fewer months, a lump sum of the contributions.

Rounding: each amount is rounded half up to whole rupiah once (portal/money.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from portal.dates import add_months, add_years, month_start
from portal.money import percent_of, round_rupiah

# Exit types a worker can state (the employer's report uses participants.ExitReason; `contract_early`
# and `disability`/`death` are life-event readings the import does not carry).
QUALIFYING_EXITS = frozenset({"phk", "contract_early"})


class InvalidFacts(ValueError):
    """The stated facts cannot be true (a PHK in the future, before the employment started...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class JkpFigures:
    benefit_percent: Decimal
    benefit_months: int
    wage_cap_idr: int
    claim_window_months: int
    min_months: int
    window_months: int
    consecutive_months: int
    arrears_months: int


@dataclass(frozen=True)
class MonthFact:
    """One contribution month as the ledger has it: the reported wage and whether it was paid."""

    period: dt.date  # first of the month
    wage_idr: int
    paid: bool


@dataclass(frozen=True)
class StripMonth:
    period: dt.date
    state: str  # "paid", "arrears" (reported, unpaid), "none"
    counted: bool


@dataclass(frozen=True)
class JkpAssessment:
    eligible: bool
    refusals: tuple[str, ...]  # codes of the rules not met, in the order checked
    strip: tuple[StripMonth, ...]  # the `window_months` months, oldest first
    counted_months: int
    consecutive_months: int
    arrears_in_window: int
    wage_basis_idr: int  # last reported wage, capped
    last_wage_idr: int
    monthly_idr: int
    total_idr: int
    deadline: dt.date  # the last day the claim can be made
    days_left: int  # negative once the deadline has passed
    figures: JkpFigures

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def validate_exit(*, phk_date: dt.date, employment_start: dt.date | None, today: dt.date) -> None:
    """Raise InvalidFacts for a PHK date that cannot be right."""
    if phk_date > today:
        raise InvalidFacts("phk_in_future", "PHK date is in the future")
    if employment_start is not None and phk_date < employment_start:
        raise InvalidFacts("phk_before_start", "PHK date is before the employment started")


def jkp_deadline(phk_date: dt.date, figures: JkpFigures) -> dt.date:
    """The last day JKP can still be claimed: the PHK date plus the claim window (inclusive)."""
    return add_months(phk_date, figures.claim_window_months)


def contribution_strip(
    *, phk_date: dt.date, months: Sequence[MonthFact], figures: JkpFigures
) -> tuple[tuple[StripMonth, ...], int]:
    """The window's months, oldest first, and how many reported-but-unpaid months it holds. Unpaid months
    count only while there are at most `arrears_months` of them (PP 6/2025 Pasal 39A)."""
    last = month_start(phk_date)
    first = add_months(last, -(figures.window_months - 1))
    by_period: dict[dt.date, bool] = {}
    for m in months:
        if first <= m.period <= last:
            by_period[m.period] = by_period.get(m.period, False) or m.paid
    arrears = sum(1 for paid in by_period.values() if not paid)
    tolerate = arrears <= figures.arrears_months
    strip = []
    for n in range(figures.window_months):
        period = add_months(first, n)
        if period not in by_period:
            strip.append(StripMonth(period, "none", False))
        elif by_period[period]:
            strip.append(StripMonth(period, "paid", True))
        else:
            strip.append(StripMonth(period, "arrears", tolerate))
    return tuple(strip), arrears


def _run_before_phk(strip: Sequence[StripMonth]) -> int:
    """Consecutive counted months ending at the PHK month, or at the month before when the PHK month
    itself has no contribution (the employer often reports the last, partial month late or not)."""
    months = list(strip)
    if months and not months[-1].counted:
        months.pop()
    run = 0
    for m in reversed(months):
        if not m.counted:
            break
        run += 1
    return run


def jkp_assess(
    *,
    phk_date: dt.date,
    exit_type: str,
    employment_start: dt.date | None,
    months: Sequence[MonthFact],
    today: dt.date,
    figures: JkpFigures,
) -> JkpAssessment:
    """JKP eligibility, amounts and deadline for a PHK on `phk_date`. Raises InvalidFacts for impossible
    facts; never raises for an ineligible case (the refusal codes say why)."""
    validate_exit(phk_date=phk_date, employment_start=employment_start, today=today)
    strip, arrears = contribution_strip(phk_date=phk_date, months=months, figures=figures)
    counted = sum(1 for m in strip if m.counted)
    run = _run_before_phk(strip)
    refusals = []
    if exit_type not in QUALIFYING_EXITS:
        refusals.append("exit_type")
    if counted < figures.min_months:
        refusals.append("too_few_months")
    if run < figures.consecutive_months:
        refusals.append("not_consecutive")
    deadline = jkp_deadline(phk_date, figures)
    days_left = (deadline - today).days
    if days_left < 0:
        refusals.append("deadline_passed")
    reported = [m for m in months if m.period <= month_start(phk_date)]
    last_wage = max(reported, key=lambda m: m.period).wage_idr if reported else 0
    basis = min(last_wage, figures.wage_cap_idr)
    monthly = percent_of(basis, figures.benefit_percent)
    return JkpAssessment(
        eligible=not refusals,
        refusals=tuple(refusals),
        strip=strip,
        counted_months=counted,
        consecutive_months=run,
        arrears_in_window=arrears,
        wage_basis_idr=basis,
        last_wage_idr=last_wage,
        monthly_idr=monthly,
        total_idr=monthly * figures.benefit_months,
        deadline=deadline,
        days_left=days_left,
        figures=figures,
    )


def jht_opens_on(*, exit_date: dt.date, exit_type: str, waiting_months: int) -> dt.date:
    """JHT after leaving work (Permenaker 4/2022, the claims engine's rule): a fixed-term contract that
    ended on its end date at once; any other exit after the waiting period."""
    if exit_type == "contract_end":
        return exit_date
    return add_months(exit_date, waiting_months)


# --- JP -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JpFigures:
    min_months: int
    accrual_percent: Decimal
    benefit_min_idr: int | None  # None: no published figure for the year (no clamp)
    benefit_max_idr: int | None


@dataclass(frozen=True)
class PensionDate:
    date: dt.date
    age: int


def pension_date(*, birth_date: dt.date, schedule: Sequence[tuple[dt.date, int]]) -> PensionDate:
    """The first birthday on which the person is at least the pension age in force on that day.
    `schedule`: (effective_from, pension age) rows, any order. Raises ValueError for an empty schedule."""
    if not schedule:
        raise ValueError("no pension-age schedule")
    rows = sorted(schedule)
    ages = [age for _, age in rows]
    for age in range(min(ages), max(ages) + 1):
        birthday = add_years(birth_date, age)
        in_force = [a for since, a in rows if since <= birthday]
        required = in_force[-1] if in_force else rows[0][1]
        if age >= required:
            return PensionDate(date=birthday, age=age)
    return PensionDate(date=add_years(birth_date, max(ages)), age=max(ages))


@dataclass(frozen=True)
class JpEstimate:
    kind: str  # "monthly" or "lump_sum"
    months: int
    average_wage_idr: int
    raw_monthly_idr: int  # the formula before the minimum and maximum
    monthly_idr: int
    limited_by: str  # "", "min", "max"
    lump_sum_idr: int


def jp_estimate(
    *, months: int, average_wage_idr: int, contributions_idr: int, figures: JpFigures
) -> JpEstimate:
    """Monthly pension (enough months) or lump sum (fewer). Monthly = accrual % x months / 12 x average
    monthly wage, rounded half up once, then held within the year's minimum and maximum."""
    if months < 0 or average_wage_idr < 0 or contributions_idr < 0:
        raise ValueError("months, wage and contributions must not be negative")
    raw = round_rupiah(Decimal(average_wage_idr) * figures.accrual_percent / 100 * months / 12)
    if months < figures.min_months:
        return JpEstimate("lump_sum", months, average_wage_idr, raw, 0, "", contributions_idr)
    monthly: int = raw
    limited = ""
    if figures.benefit_min_idr is not None and raw < figures.benefit_min_idr:
        monthly, limited = figures.benefit_min_idr, "min"
    if figures.benefit_max_idr is not None and raw > figures.benefit_max_idr:
        monthly, limited = figures.benefit_max_idr, "max"
    return JpEstimate("monthly", months, average_wage_idr, raw, monthly, limited, 0)


@dataclass(frozen=True)
class JpYear:
    year: int
    months: int  # months of contribution at the end of the year
    estimate: JpEstimate


def jp_projection(
    *,
    months_so_far: int,
    average_wage_idr: int,
    contributions_so_far_idr: int,
    monthly_wage_idr: int,
    jp_percent: Decimal,
    today: dt.date,
    pension: PensionDate,
    figures: JpFigures,
    last_period: dt.date | None = None,
) -> list[JpYear]:
    """The JP estimate at the end of each year from this year to the pension year, if the worker keeps
    contributing on `monthly_wage_idr` (already capped) every month after the newest recorded month
    `last_period` (from this month when it is older or unknown; employers report a month after it ends)
    until the month before the pension date. The average wage is a running average; no wage growth."""
    years: list[JpYear] = []
    months, total_wage = months_so_far, average_wage_idr * months_so_far
    paid = contributions_so_far_idr
    month = month_start(today)
    if last_period is not None and last_period >= month:
        month = add_months(last_period, 1)
    stop = month_start(pension.date)
    monthly_contribution = percent_of(monthly_wage_idr, jp_percent)
    for year in range(today.year, pension.date.year + 1):
        while month < stop and month.year == year:
            months += 1
            total_wage += monthly_wage_idr
            paid += monthly_contribution
            month = add_months(month, 1)
        average = round_rupiah(Decimal(total_wage) / months) if months else 0
        estimate = jp_estimate(
            months=months, average_wage_idr=average, contributions_idr=paid, figures=figures
        )
        years.append(JpYear(year=year, months=months, estimate=estimate))
    return years
