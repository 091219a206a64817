"""Calendar arithmetic on dates, shared by every app (pure, no Django).

One meaning for month arithmetic: `add_months` keeps the day of the month and clamps it to the target
month's last day (31 Jan + 1 month = 28/29 Feb), so a first-of-month stays a first-of-month. Contribution
periods are stored as the first of their month (a database constraint), which is why billing, the
dashboard alerts and the demo data can use the same function as the claim waiting period.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, n: int) -> dt.date:
    """`day` moved by `n` months (negative goes back); the day is clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years; 29 Feb becomes 28 Feb in a non-leap year."""
    return add_months(day, 12 * years)


def month_start(day: dt.date) -> dt.date:
    """The first day of `day`'s month (how contribution periods are stored)."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
