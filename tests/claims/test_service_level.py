"""Service level: 5 working days, weekends and Indonesian public holidays skipped."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
import time_machine

from claims.models import ClaimStatus as S
from claims.service_level import due_date_for, is_breached
from tests.claims.factories import claim_in

D = dt.date


@pytest.mark.parametrize(
    ("complete_on", "due"),
    [
        (D(2026, 3, 2), D(2026, 3, 9)),  # Monday → next Monday
        (D(2026, 3, 6), D(2026, 3, 13)),  # Friday → next Friday
        (D(2026, 3, 7), D(2026, 3, 13)),  # Saturday → the weekend does not count
        (D(2026, 8, 14), D(2026, 8, 24)),  # 17 August (Monday) skipped
        (D(2026, 8, 20), D(2026, 8, 28)),  # Maulid Nabi (Tuesday 25 August) skipped
        (D(2026, 3, 18), D(2026, 3, 26)),  # Nyepi (Thursday 19 March); Idul Fitri 21-22 March is a weekend
        (D(2026, 12, 24), D(2027, 1, 4)),  # Christmas and New Year across the year end
    ],
)
@pytest.mark.django_db
def test_due_date(complete_on: dt.date, due: dt.date) -> None:
    assert due_date_for(complete_on) == due


@pytest.mark.django_db
def test_idul_fitri_2026_dates_come_from_the_holidays_library() -> None:
    idul_fitri = {d for d, name in holidays.Indonesia(years=2026).items() if "Idul Fitri" in name}
    assert idul_fitri == {D(2026, 3, 21), D(2026, 3, 22)}
    # On weekdays Idul Fitri is skipped like any holiday: in 2025 it fell on Monday 31 March and Tuesday
    # 1 April, so a file complete on Friday 28 March is due on Tuesday 8 April.
    assert {D(2025, 3, 31), D(2025, 4, 1)} <= set(holidays.Indonesia(years=2025))
    assert due_date_for(D(2025, 3, 28)) == D(2025, 4, 8)


@pytest.mark.django_db
def test_breached_flag() -> None:
    claim = claim_in(S.IN_REVIEW, due_date=D(2026, 3, 9))
    assert is_breached(claim, today=D(2026, 3, 9)) is False
    assert is_breached(claim, today=D(2026, 3, 10)) is True
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        assert claim.sla_breached is True
    paid_in_time = claim_in(
        S.PAID, due_date=D(2026, 3, 9), paid_at=dt.datetime(2026, 3, 9, 16, tzinfo=dt.UTC)
    )
    assert is_breached(paid_in_time, today=D(2026, 4, 1)) is False
    paid_late = claim_in(S.PAID, due_date=D(2026, 3, 9), paid_at=dt.datetime(2026, 3, 9, 18, tzinfo=dt.UTC))
    assert is_breached(paid_late, today=D(2026, 4, 1)) is True  # 01:00 on 10 March in Jakarta
    assert is_breached(claim_in(S.SUBMITTED), today=D(2030, 1, 1)) is False  # no due date yet
