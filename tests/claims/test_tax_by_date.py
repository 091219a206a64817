"""JHT tax by the date of payment (PP 68/2009, PMK 16/PMK.03/2010 Pasal 5, UU HPP brackets)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from claims.eligibility import ClaimRules, tax_calculation, tax_snapshot
from claims.selectors import claim_rules_on
from participants.rates.selectors import rate_table_on

RULES = ClaimRules()


def test_first_payment_is_final_zero_then_five_percent() -> None:
    tax = tax_calculation(
        gross_idr=100_000_000, payment_date=dt.date(2026, 5, 4), earlier_payments=(), rules=RULES
    )
    assert tax.regime == "final"
    assert [(line.base_idr, line.percent, line.tax_idr) for line in tax.lines] == [
        (50_000_000, Decimal(0), 0),
        (50_000_000, Decimal(5), 2_500_000),
    ]
    assert tax.tax_idr == 2_500_000


def test_second_payment_within_two_calendar_years_is_cumulative_final() -> None:
    # A 10 % partial claim of Rp20 jt paid in 2024, the rest (Rp180 jt) in December 2025.
    tax = tax_calculation(
        gross_idr=180_000_000,
        payment_date=dt.date(2025, 12, 31),
        earlier_payments=((dt.date(2024, 2, 1), 20_000_000),),
        rules=RULES,
    )
    assert tax.regime == "final"
    assert tax.tax_idr == 7_500_000  # (20 + 180 - 50) jt x 5 %


def test_payment_in_the_third_calendar_year_is_progressive() -> None:
    # Same claimant, the rest paid on 2 January 2026: Pasal 17 brackets on the Rp180 jt alone.
    tax = tax_calculation(
        gross_idr=180_000_000,
        payment_date=dt.date(2026, 1, 2),
        earlier_payments=((dt.date(2024, 2, 1), 20_000_000),),
        rules=RULES,
    )
    assert tax.regime == "progressive"
    assert [(line.base_idr, line.percent, line.tax_idr) for line in tax.lines] == [
        (60_000_000, Decimal(5), 3_000_000),
        (120_000_000, Decimal(15), 18_000_000),
    ]
    assert tax.tax_idr == 21_000_000


@pytest.mark.parametrize(
    ("gross", "tax"),
    [
        (1, 0),  # 5 % of Rp1 rounds half up to 0
        (60_000_000, 3_000_000),
        (60_000_001, 3_000_000),
        (600_000_000, 3_000_000 + 28_500_000 + 62_500_000 + 30_000_000),
        (6_000_000_000, 3_000_000 + 28_500_000 + 62_500_000 + 1_350_000_000 + 350_000_000),
    ],
)
def test_progressive_brackets(gross: int, tax: int) -> None:
    calc = tax_calculation(
        gross_idr=gross,
        payment_date=dt.date(2026, 6, 1),
        earlier_payments=((dt.date(2020, 1, 1), 1),),
        rules=RULES,
    )
    assert calc.tax_idr == tax


def test_snapshot_keeps_the_lines() -> None:
    tax = tax_calculation(
        gross_idr=70_000_000,
        payment_date=dt.date(2026, 6, 1),
        earlier_payments=((dt.date(2023, 1, 1), 5),),
        rules=RULES,
    )
    snap = tax_snapshot(tax)
    assert snap is not None
    assert (snap["regime"], snap["tax_idr"], [line["tax_idr"] for line in snap["lines"]]) == (
        "progressive",
        4_500_000,
        [3_000_000, 1_500_000],
    )


@pytest.mark.django_db
def test_brackets_come_from_the_rate_table_by_date() -> None:
    hpp = claim_rules_on(dt.date(2026, 1, 1))
    assert hpp.pit_brackets == (
        (60_000_000, Decimal(5)),
        (250_000_000, Decimal(15)),
        (500_000_000, Decimal(25)),
        (5_000_000_000, Decimal(30)),
        (None, Decimal(35)),
    )
    assert hpp.final_tax_years == 2
    before_hpp = rate_table_on(dt.date(2021, 6, 1))
    assert before_hpp.rupiah("KLAIM", "ALL", "pit_bracket_1_upto") == 50_000_000
    assert before_hpp.get("KLAIM", "ALL", "pit_rate_4") == Decimal(30)
    assert ("KLAIM", "ALL", "pit_rate_5") not in before_hpp.values
