from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.money import format_rupiah, percent_of, round_rupiah


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("0.49"), 0),
        (Decimal("0.5"), 1),
        (Decimal("1.5"), 2),
        (Decimal("2.5"), 3),  # half up, not banker's rounding
        (Decimal("36799.999"), 36800),
    ],
)
def test_round_rupiah_rounds_half_up(amount: Decimal, expected: int) -> None:
    assert round_rupiah(amount) == expected


def test_round_rupiah_refuses_float() -> None:
    with pytest.raises(TypeError):
        round_rupiah(0.5)


@pytest.mark.parametrize(
    ("base", "percent", "expected"),
    [
        (1_000_000, Decimal("1"), 10_000),  # BPU JKK minimum
        (1_000_000, Decimal("2"), 20_000),  # BPU JHT on minimum income
        (5_000_000, Decimal("3.7"), 185_000),
        (10_042_300, Decimal("2"), 200_846),  # JP employer share at the 2024 cap
        (4_567_891, Decimal("0.24"), 10_963),  # 10962.9384 → 10963
        (3_333_333, Decimal("0.3"), 10_000),  # 9999.999 → 10000
    ],
)
def test_percent_of(base: int, percent: Decimal, expected: int) -> None:
    assert percent_of(base, percent) == expected


@given(st.integers(min_value=0, max_value=10**13), st.decimals(min_value=0, max_value=100, places=2))
def test_percent_of_is_within_half_a_rupiah(base: int, percent: Decimal) -> None:
    exact = Decimal(base) * percent / 100
    assert abs(Decimal(percent_of(base, percent)) - exact) <= Decimal("0.5")


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "Rp0"),
        (999, "Rp999"),
        (1_000, "Rp1.000"),
        (1_234_567, "Rp1.234.567"),
        (-36_800, "-Rp36.800"),
        (None, ""),
    ],
)
def test_format_rupiah(amount: int | None, expected: str) -> None:
    assert format_rupiah(amount) == expected
