"""The life-event rules with exact figures: every boundary issue 21 lists, with the figures the rate
table holds (read back from the database in the tests marked `db`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lifeevents.figures import jkp_figures_on, jp_figures_on, pension_age_schedule
from lifeevents.rules import (
    InvalidFacts,
    JkpAssessment,
    JkpFigures,
    JpFigures,
    MonthFact,
    jht_opens_on,
    jkp_assess,
    jp_estimate,
    jp_projection,
    pension_date,
)
from portal.dates import add_months

D = dt.date
JKP = JkpFigures(
    benefit_percent=Decimal("60"),
    benefit_months=6,
    wage_cap_idr=5_000_000,
    claim_window_months=6,
    min_months=12,
    window_months=24,
    consecutive_months=6,
    arrears_months=6,
)
JP = JpFigures(
    min_months=180, accrual_percent=Decimal("1"), benefit_min_idr=411_400, benefit_max_idr=4_932_300
)
PHK = D(2026, 9, 15)
TODAY = D(2026, 12, 8)


def months_back(last: dt.date, count: int, *, wage: int = 4_000_000, skip: tuple[int, ...] = (),
                unpaid: tuple[int, ...] = ()) -> list[MonthFact]:  # fmt: skip
    """`count` months ending at `last` (index 0 = `last`), leaving out `skip`, unpaid `unpaid`."""
    return [
        MonthFact(period=add_months(last, -n), wage_idr=wage, paid=n not in unpaid)
        for n in range(count)
        if n not in skip
    ]


def assess(months: list[MonthFact], *, phk: dt.date = PHK, kind: str = "phk", today: dt.date = TODAY,
           start: dt.date | None = None) -> JkpAssessment:  # fmt: skip
    return jkp_assess(
        phk_date=phk, exit_type=kind, employment_start=start, months=months, today=today, figures=JKP
    )


# --- JKP ----------------------------------------------------------------------------------------------


def test_eligible_worker_gets_60_percent_for_6_months_and_a_deadline() -> None:
    result = assess(months_back(D(2026, 9, 1), 24, wage=4_321_987))
    assert result.eligible
    assert result.refusals == ()
    assert (result.counted_months, result.consecutive_months) == (24, 24)
    # 60 % x 4.321.987 = 2.593.192,2 → 2.593.192 (half up, once); x 6.
    assert (result.wage_basis_idr, result.monthly_idr, result.total_idr) == (4_321_987, 2_593_192, 15_559_152)
    assert result.deadline == D(2027, 3, 15)
    assert result.days_left == 97
    assert [m.period for m in result.strip][:2] == [D(2024, 10, 1), D(2024, 11, 1)]
    assert result.strip[-1].period == D(2026, 9, 1)


def test_wage_above_the_cap_counts_as_the_cap() -> None:
    result = assess(months_back(D(2026, 9, 1), 24, wage=8_000_000))
    assert (result.last_wage_idr, result.wage_basis_idr) == (8_000_000, 5_000_000)
    assert (result.monthly_idr, result.total_idr) == (3_000_000, 18_000_000)


def test_wage_exactly_at_the_cap() -> None:
    result = assess(months_back(D(2026, 9, 1), 24, wage=5_000_000))
    assert (result.wage_basis_idr, result.monthly_idr) == (5_000_000, 3_000_000)


@pytest.mark.parametrize("kind", ["resign", "contract_end", "retirement", "disability", "other"])
def test_exit_types_that_do_not_qualify(kind: str) -> None:
    result = assess(months_back(D(2026, 9, 1), 24), kind=kind)
    assert not result.eligible
    assert result.refusals == ("exit_type",)
    assert result.monthly_idr == 2_400_000  # the amount is still shown, with the reason it is not paid


def test_contract_ended_early_qualifies() -> None:
    assert assess(months_back(D(2026, 9, 1), 24), kind="contract_early").eligible


def test_eleven_months_in_24_is_too_few_twelve_is_enough() -> None:
    eleven = assess(months_back(D(2026, 9, 1), 11))
    twelve = assess(months_back(D(2026, 9, 1), 12))
    assert (eleven.counted_months, eleven.refusals) == (11, ("too_few_months",))
    assert (twelve.counted_months, twelve.eligible) == (12, True)


def test_months_before_the_24_month_window_do_not_count() -> None:
    # 12 months ending 24 months before the PHK month: only the newest of them is inside the window.
    result = assess(months_back(D(2024, 10, 1), 12))
    assert result.counted_months == 1
    assert result.refusals == ("too_few_months", "not_consecutive")


def test_a_gap_breaking_the_6_consecutive_months() -> None:
    # 20 months, but the month 5 months before the PHK month is missing: the run is 5.
    result = assess(months_back(D(2026, 9, 1), 21, skip=(5,)))
    assert (result.counted_months, result.consecutive_months) == (20, 5)
    assert result.refusals == ("not_consecutive",)
    # Gap one month further back: the run is exactly 6.
    ok = assess(months_back(D(2026, 9, 1), 21, skip=(6,)))
    assert (ok.consecutive_months, ok.eligible) == (6, True)


def test_the_phk_month_may_be_missing_from_the_ledger() -> None:
    result = assess(months_back(D(2026, 8, 1), 12))
    assert (result.counted_months, result.consecutive_months, result.eligible) == (12, 12, True)
    assert result.strip[-1].state == "none"


def test_employer_arrears_count_up_to_6_months_only() -> None:
    six = assess(months_back(D(2026, 9, 1), 12, unpaid=(0, 1, 2, 3, 4, 5)))
    assert (six.arrears_in_window, six.counted_months, six.eligible) == (6, 12, True)
    seven = assess(months_back(D(2026, 9, 1), 12, unpaid=(0, 1, 2, 3, 4, 5, 6)))
    assert (seven.arrears_in_window, seven.counted_months) == (7, 5)
    assert seven.refusals == ("too_few_months", "not_consecutive")
    assert [m.state for m in seven.strip[-2:]] == ["arrears", "arrears"]


def test_the_deadline_last_day_is_still_open_the_next_day_is_lost() -> None:
    months = months_back(D(2026, 6, 1), 24)
    last_day = assess(months, phk=D(2026, 6, 15), today=D(2026, 12, 15))
    assert (last_day.deadline, last_day.days_left, last_day.eligible) == (D(2026, 12, 15), 0, True)
    lost = assess(months, phk=D(2026, 6, 15), today=D(2026, 12, 16))
    assert (lost.days_left, lost.expired, lost.refusals) == (-1, True, ("deadline_passed",))


def test_deadline_at_the_end_of_a_short_month() -> None:
    result = assess(months_back(D(2026, 8, 1), 24), phk=D(2026, 8, 31), today=D(2026, 9, 1))
    assert result.deadline == D(2027, 2, 28)


def test_phk_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidFacts) as error:
        assess([], phk=D(2026, 12, 9))
    assert error.value.code == "phk_in_future"


def test_phk_today_is_accepted() -> None:
    assert assess(months_back(D(2026, 12, 1), 24), phk=TODAY).deadline == D(2027, 6, 8)


def test_phk_before_the_employment_started_is_refused() -> None:
    with pytest.raises(InvalidFacts) as error:
        assess([], phk=D(2020, 1, 5), start=D(2020, 1, 6))
    assert error.value.code == "phk_before_start"
    assert assess([], phk=D(2020, 1, 6), start=D(2020, 1, 6)).counted_months == 0


# --- JHT ----------------------------------------------------------------------------------------------


def test_jht_opens_one_month_after_the_exit_or_at_a_contract_end() -> None:
    assert jht_opens_on(exit_date=D(2026, 1, 31), exit_type="phk", waiting_months=1) == D(2026, 2, 28)
    assert jht_opens_on(exit_date=D(2026, 9, 15), exit_type="resign", waiting_months=1) == D(2026, 10, 15)
    assert jht_opens_on(exit_date=D(2026, 9, 15), exit_type="contract_end", waiting_months=1) == D(
        2026, 9, 15
    )


# --- Pension age --------------------------------------------------------------------------------------

SCHEDULE = [(D(2015, 7, 1), 56), (D(2019, 1, 1), 57), (D(2022, 1, 1), 58), (D(2025, 1, 1), 59),
            (D(2028, 1, 1), 60), (D(2031, 1, 1), 61), (D(2034, 1, 1), 62), (D(2037, 1, 1), 63),
            (D(2040, 1, 1), 64), (D(2043, 1, 1), 65)]  # fmt: skip


@pytest.mark.parametrize(
    ("birth", "expected", "age"),
    [
        (D(1966, 1, 1), D(2024, 1, 1), 58),  # 56 and 57 were too young in 2022-2023 (58 required)
        (D(1966, 12, 31), D(2024, 12, 31), 58),  # the last day of the 58 era
        (D(1967, 1, 1), D(2026, 1, 1), 59),  # 58 on 1-1-2025 is one day too late: 59 required
        (D(1968, 12, 31), D(2027, 12, 31), 59),  # the last day of the 59 era
        (D(1969, 1, 1), D(2029, 1, 1), 60),  # 59 on 1-1-2028 is too young: 60 required
        (D(1968, 2, 29), D(2027, 2, 28), 59),  # born on 29 February
        (D(1978, 6, 15), D(2042, 6, 15), 64),  # 63 in 2041 too young (64 required)
        (D(1980, 6, 15), D(2045, 6, 15), 65),  # 64 in 2044 too young (65 required): the cap
    ],
)
def test_pension_date_by_the_year_the_age_is_reached(birth: dt.date, expected: dt.date, age: int) -> None:
    result = pension_date(birth_date=birth, schedule=SCHEDULE)
    assert (result.date, result.age) == (expected, age)


def test_pension_schedule_must_not_be_empty() -> None:
    with pytest.raises(ValueError, match="no pension-age schedule"):
        pension_date(birth_date=D(1970, 1, 1), schedule=[])


# --- JP -----------------------------------------------------------------------------------------------


def test_179_months_is_a_lump_sum_180_a_monthly_pension() -> None:
    lump = jp_estimate(months=179, average_wage_idr=5_000_000, contributions_idr=26_850_000, figures=JP)
    assert (lump.kind, lump.monthly_idr, lump.lump_sum_idr) == ("lump_sum", 0, 26_850_000)
    monthly = jp_estimate(months=180, average_wage_idr=5_000_000, contributions_idr=27_000_000, figures=JP)
    # 1 % x 15 years x Rp5.000.000 = Rp750.000.
    assert (monthly.kind, monthly.raw_monthly_idr, monthly.monthly_idr, monthly.limited_by) == (
        "monthly",
        750_000,
        750_000,
        "",
    )


def test_jp_formula_rounds_half_up_once() -> None:
    # 3.333.333 x 1 % x 187 / 12 = 519.444,39 → 519.444.
    result = jp_estimate(months=187, average_wage_idr=3_333_333, contributions_idr=0, figures=JP)
    assert result.monthly_idr == 519_444


def test_jp_minimum_and_maximum_of_the_year() -> None:
    low = jp_estimate(months=180, average_wage_idr=2_000_000, contributions_idr=0, figures=JP)
    assert (low.raw_monthly_idr, low.monthly_idr, low.limited_by) == (300_000, 411_400, "min")
    high = jp_estimate(months=540, average_wage_idr=11_086_300, contributions_idr=0, figures=JP)
    assert (high.raw_monthly_idr, high.monthly_idr, high.limited_by) == (4_988_835, 4_932_300, "max")
    unclamped = JpFigures(
        min_months=180, accrual_percent=Decimal(1), benefit_min_idr=None, benefit_max_idr=None
    )
    assert (
        jp_estimate(
            months=180, average_wage_idr=2_000_000, contributions_idr=0, figures=unclamped
        ).monthly_idr
        == 300_000
    )


def test_jp_refuses_negative_inputs() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        jp_estimate(months=-1, average_wage_idr=1, contributions_idr=0, figures=JP)


def test_jp_projection_to_the_pension_date() -> None:
    # 170 months so far at Rp4.000.000; keeps contributing Rp5.000.000 (3 % = Rp150.000) from January
    # 2027 until the month before the pension date (1 March 2029): 26 more months.
    pension = pension_date(birth_date=D(1969, 3, 1), schedule=SCHEDULE)
    assert pension.date == D(2029, 3, 1)
    years = jp_projection(
        months_so_far=170,
        average_wage_idr=4_000_000,
        contributions_so_far_idr=20_400_000,
        monthly_wage_idr=5_000_000,
        jp_percent=Decimal(3),
        today=TODAY,
        pension=pension,
        figures=JP,
        last_period=D(2026, 12, 1),  # this month is already recorded: the next is January 2027
    )
    assert [(y.year, y.months, y.estimate.kind) for y in years] == [
        (2026, 170, "lump_sum"),
        (2027, 182, "monthly"),
        (2028, 194, "monthly"),
        (2029, 196, "monthly"),
    ]
    # End of 2027: (170 x 4.000.000 + 12 x 5.000.000) / 182 = 4.065.934 (half up); x 1 % x 182 / 12.
    assert years[1].estimate.average_wage_idr == 4_065_934
    assert years[1].estimate.monthly_idr == 616_667
    assert years[0].estimate.lump_sum_idr == 20_400_000
    last = years[-1].estimate
    assert (last.average_wage_idr, last.monthly_idr) == (4_132_653, 675_000)


def test_jp_projection_counts_this_month_when_it_is_not_recorded_yet() -> None:
    pension = pension_date(birth_date=D(1969, 3, 1), schedule=SCHEDULE)
    years = jp_projection(
        months_so_far=170,
        average_wage_idr=4_000_000,
        contributions_so_far_idr=20_400_000,
        monthly_wage_idr=5_000_000,
        jp_percent=Decimal(3),
        today=TODAY,
        pension=pension,
        figures=JP,
        last_period=D(2026, 11, 1),
    )
    assert [(y.year, y.months) for y in years] == [(2026, 171), (2027, 183), (2028, 195), (2029, 197)]
    assert years[0].estimate.lump_sum_idr == 20_550_000


# --- The figures in the rate table ---------------------------------------------------------------------


@pytest.mark.django_db
def test_jkp_figures_in_force_since_pp_6_2025() -> None:
    assert jkp_figures_on(D(2026, 9, 15)) == JKP
    assert jkp_figures_on(D(2025, 2, 7)) == JKP


@pytest.mark.django_db
def test_jkp_figures_before_pp_6_2025_are_not_all_in_the_table() -> None:
    from participants.rates.selectors import MissingRate

    with pytest.raises(MissingRate, match="JKP/PU/benefit_percent"):
        jkp_figures_on(D(2025, 2, 6))


@pytest.mark.django_db
def test_jp_figures_and_pension_schedule_in_the_table() -> None:
    assert jp_figures_on(D(2026, 12, 8)) == JP
    assert jp_figures_on(D(2025, 12, 31)).benefit_min_idr is None
    assert sorted(pension_age_schedule()) == SCHEDULE
