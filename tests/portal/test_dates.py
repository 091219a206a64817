import datetime as dt

import pytest

from portal.dates import add_months, add_years, month_end, month_start

D = dt.date


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2026, 1, 15), 0, D(2026, 1, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to the short month's last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 11, 1), 2, D(2027, 1, 1)),  # year rollover forwards
        (D(2026, 12, 31), 1, D(2027, 1, 31)),
        (D(2026, 1, 1), -1, D(2025, 12, 1)),  # negative n rolls the year back
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 2, 1), -14, D(2024, 12, 1)),
        (D(2026, 5, 1), -144, D(2014, 5, 1)),
    ],
)
def test_add_months(day: dt.date, n: int, expected: dt.date) -> None:
    assert add_months(day, n) == expected


def test_add_months_keeps_the_first_of_the_month() -> None:
    months = [add_months(D(2025, 12, 1), n) for n in range(-13, 14)]
    assert all(m.day == 1 for m in months)
    assert months[0] == D(2024, 11, 1)
    assert months[-1] == D(2027, 1, 1)


def test_add_years_moves_29_february_to_28() -> None:
    assert add_years(D(2028, 2, 29), 1) == D(2029, 2, 28)
    assert add_years(D(1970, 6, 30), 56) == D(2026, 6, 30)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (D(2026, 2, 14), D(2026, 2, 1), D(2026, 2, 28)),
        (D(2028, 2, 1), D(2028, 2, 1), D(2028, 2, 29)),
        (D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
    ],
)
def test_month_start_and_end(day: dt.date, start: dt.date, end: dt.date) -> None:
    assert (month_start(day), month_end(day)) == (start, end)
