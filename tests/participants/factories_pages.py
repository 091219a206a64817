"""Helpers for the JHT page tests: long contribution histories and a frozen 'today'."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from participants.models import Contribution, Employer, Participant
from participants.overview.alerts import months_between
from tests.factories import post_contribution

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
# "Today" in these tests: after the 15th, so October 2026 is the last month due for PU.
TODAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=JAKARTA)


def post_months(
    participant: Participant,
    first: dt.date,
    last: dt.date,
    *,
    wage_idr: int = 5_000_000,
    skip: Iterable[dt.date] = (),
    wages: dict[dt.date, int] | None = None,
    employer: Employer | None = None,
) -> list[Contribution]:
    skipped = set(skip)
    return [
        post_contribution(participant, period=m, wage_idr=(wages or {}).get(m, wage_idr), employer=employer)
        for m in months_between(first, last)
        if m not in skipped
    ]
