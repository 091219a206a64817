"""Service level: a claim is paid within 5 working days of the day its file became complete and correct.

Working days skip Saturdays, Sundays and Indonesian public holidays: the `holidays` library's calendar
(`holidays.Indonesia`, Idul Fitri and other lunar dates included) corrected by the administrators'
`HolidayOverride` rows (cuti bersama, moved holidays), read through
`participants.rates.selectors.public_holidays_between`. Counting starts the day after the file became
complete: complete on a Monday → due the next Monday.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from participants.rates.selectors import public_holidays_between

if TYPE_CHECKING:
    from claims.models import Claim

SERVICE_LEVEL_WORKING_DAYS = 5


def is_working_day(day: dt.date, *, public_holidays: frozenset[dt.date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if public_holidays is None:
        public_holidays = public_holidays_between(day, day)
    return day not in public_holidays


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself not counted). One query per window of
    calendar days read (normally one)."""
    current = start
    remaining = days
    window_end = start
    known: frozenset[dt.date] = frozenset()
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current > window_end:
            window_end = current + dt.timedelta(days=2 * days + 30)
            known = public_holidays_between(current, window_end)
        if is_working_day(current, public_holidays=known):
            remaining -= 1
    return current


def due_date_for(complete_on: dt.date, *, days: int = SERVICE_LEVEL_WORKING_DAYS) -> dt.date:
    return add_working_days(complete_on, days)


def is_breached(claim: Claim, *, today: dt.date | None = None) -> bool:
    """Past its due date and not paid yet, or paid after its due date. False without a due date."""
    if claim.due_date is None:
        return False
    if claim.paid_at is not None:
        return timezone.localdate(claim.paid_at) > claim.due_date
    if claim.status in ("rejected", "cancelled"):
        return False
    return (today or timezone.localdate()) > claim.due_date
