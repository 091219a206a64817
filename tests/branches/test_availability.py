"""Opening hours, weekends, public holidays and staff overrides: the boundaries of the slot list."""

from __future__ import annotations

import datetime as dt

import holidays

from branches.availability import BOOKING_DAYS, Window, booking_days, build_days, day_window, slot_starts
from tests.branches.conftest import MONDAY, NOW, at

WEEKLY = {d: Window(dt.time(8), dt.time(10)) for d in range(5)}
# The library's calendar; the administrators' overrides are added by `public_holidays_between` (tested
# with the database in test_services.py).
HOLIDAYS = frozenset(holidays.Indonesia(years=[2026, 2027]))


def test_weekdays_are_open_and_weekends_closed() -> None:
    saturday = MONDAY + dt.timedelta(days=5)
    assert day_window(MONDAY, weekly=WEEKLY, overrides={}, holidays=HOLIDAYS) == Window(
        dt.time(8), dt.time(10)
    )
    assert day_window(saturday, weekly=WEEKLY, overrides={}, holidays=HOLIDAYS) is None
    assert day_window(saturday + dt.timedelta(days=1), weekly=WEEKLY, overrides={}, holidays=HOLIDAYS) is None


def test_public_holidays_are_closed() -> None:
    christmas = dt.date(2026, 12, 25)  # a Friday
    assert christmas.weekday() == 4
    assert day_window(christmas, weekly=WEEKLY, overrides={}, holidays=HOLIDAYS) is None
    assert day_window(dt.date(2026, 12, 24), weekly=WEEKLY, overrides={}, holidays=HOLIDAYS) is not None


def test_staff_overrides_open_a_holiday_and_close_a_working_day() -> None:
    christmas = dt.date(2026, 12, 25)
    special = Window(dt.time(9), dt.time(11))
    assert day_window(christmas, weekly=WEEKLY, overrides={christmas: special}, holidays=HOLIDAYS) == special
    assert day_window(MONDAY, weekly=WEEKLY, overrides={MONDAY: None}, holidays=HOLIDAYS) is None


def test_weekday_without_hours_is_closed() -> None:
    assert day_window(MONDAY, weekly={}, overrides={}, holidays=HOLIDAYS) is None


def test_last_slot_ends_exactly_at_closing_time() -> None:
    starts = slot_starts(MONDAY, Window(dt.time(8), dt.time(10)), 30)
    assert [s.strftime("%H:%M") for s in starts] == ["08:00", "08:30", "09:00", "09:30"]
    # 45 minutes: 09:30 + 45 min would end after 10:00.
    starts = slot_starts(MONDAY, Window(dt.time(8), dt.time(10)), 45)
    assert [s.strftime("%H:%M") for s in starts] == ["08:00", "08:45"]


def test_booking_window_is_today_and_the_next_13_days() -> None:
    days = booking_days(MONDAY)
    assert len(days) == BOOKING_DAYS == 14
    assert days[0] == MONDAY
    assert days[-1] == MONDAY + dt.timedelta(days=13)


def test_slots_that_have_started_are_not_offered() -> None:
    now = at(MONDAY, 8, 30)  # the 08:30 slot starts exactly now
    days = build_days(
        days=[MONDAY],
        weekly=WEEKLY,
        overrides={},
        slot_minutes=30,
        capacity=2,
        booked={},
        now=now,
        holidays=HOLIDAYS,
    )
    assert [s.starts_at.strftime("%H:%M") for s in days[0].slots] == ["09:00", "09:30"]


def test_booked_seats_reduce_free_seats_and_closed_days_are_left_out() -> None:
    booked = {at(MONDAY, 8): (2, 2), at(MONDAY, 9): (2, 1)}
    days = build_days(
        days=booking_days(MONDAY),
        weekly=WEEKLY,
        overrides={},
        slot_minutes=30,
        capacity=2,
        booked=booked,
        now=NOW,
        holidays=HOLIDAYS,
    )
    assert [d.day.weekday() for d in days] == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]
    first = days[0]
    assert [s.free for s in first.slots] == [0, 2, 1, 2]
    assert first.free == 5
