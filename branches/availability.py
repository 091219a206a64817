"""When a branch is open and which slots a service has: pure functions over rows already loaded.

Rules (written down here because the booking service and the slot list must agree):
- A day's window comes from a staff `DayOverride` for that date when there is one (closed, or open with
  its own hours — this is how a branch opens on a Saturday or closes for an event).
- Otherwise the branch is closed on Saturdays, Sundays and Indonesian public holidays (the same rule as
  the claim service level, `claims.service_level.is_working_day`: the `holidays` library's calendar
  corrected by the administrators' `HolidayOverride` rows, read once per window through
  `public_holidays_between`), and open with the weekday's `OpeningHours` if it has any.
- Slots start at the opening time, every `slot_minutes`; a slot must end by closing time.
- Participants can book from now (a slot that has started is past) up to `BOOKING_DAYS` days ahead:
  today and the 13 days after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils import timezone

from claims.service_level import is_working_day
from participants.rates.selectors import public_holidays_between

BOOKING_DAYS = 14


@dataclass(frozen=True)
class Window:
    opens_at: dt.time
    closes_at: dt.time


@dataclass(frozen=True)
class SlotView:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def key(self) -> str:
        """The slot's value in forms: local wall-clock time, minutes precision."""
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class DaySlots:
    day: dt.date
    slots: list[SlotView]
    closed_reason: str = ""

    @property
    def free(self) -> int:
        return sum(s.free for s in self.slots)


def booking_days(today: dt.date) -> list[dt.date]:
    return [today + dt.timedelta(days=i) for i in range(BOOKING_DAYS)]


def public_holidays(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """The public holidays of the window, read once (library calendar + administrators' overrides)."""
    return public_holidays_between(first, last)


def day_window(
    day: dt.date,
    *,
    weekly: Mapping[int, Window],
    overrides: Mapping[dt.date, Window | None],
    holidays: frozenset[dt.date],
) -> Window | None:
    """The opening window of `day`, or None when the branch is closed that day."""
    if day in overrides:
        return overrides[day]
    if not is_working_day(day, public_holidays=holidays):
        return None
    return weekly.get(day.weekday())


def slot_starts(day: dt.date, window: Window, slot_minutes: int) -> list[dt.datetime]:
    """Aware start times of the day's slots (Asia/Jakarta wall clock)."""
    step = dt.timedelta(minutes=slot_minutes)
    start = timezone.make_aware(dt.datetime.combine(day, window.opens_at))
    end = timezone.make_aware(dt.datetime.combine(day, window.closes_at))
    starts = []
    while start + step <= end:
        starts.append(start)
        start += step
    return starts


def build_days(
    *,
    days: Iterable[dt.date],
    weekly: Mapping[int, Window],
    overrides: Mapping[dt.date, Window | None],
    slot_minutes: int,
    capacity: int,
    booked: Mapping[dt.datetime, tuple[int, int]],
    now: dt.datetime,
    holidays: frozenset[dt.date],
) -> list[DaySlots]:
    """Every bookable day with its future slots; `booked` maps a start to (capacity, booked_count) of
    slots that already have a row (the row's capacity wins: staff may have changed the service's)."""
    result = []
    step = dt.timedelta(minutes=slot_minutes)
    for day in days:
        window = day_window(day, weekly=weekly, overrides=overrides, holidays=holidays)
        if window is None:
            continue
        slots = []
        for start in slot_starts(day, window, slot_minutes):
            if start <= now:
                continue
            cap, taken = booked.get(start, (capacity, 0))
            slots.append(SlotView(starts_at=start, ends_at=start + step, capacity=cap, booked=taken))
        if slots:
            result.append(DaySlots(day=day, slots=slots))
    return result
