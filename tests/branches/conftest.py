from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache

from branches.models import BranchService, OpeningHours, ServiceKind
from participants.models import Branch, User
from tests.factories import BranchFactory, StaffFactory

WIB = dt.timezone(dt.timedelta(hours=7))
# Monday 23 November 2026, 07:00 WIB: before opening time.
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=WIB)
MONDAY = NOW.date()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_branch(code: str = "JKT01", *, capacity: int = 2, slot_minutes: int = 30) -> BranchService:
    """A branch open Monday to Friday 08:00-10:00 with one service (konsultasi)."""
    branch = BranchFactory(code=code, name=f"Kantor Cabang {code}")
    for weekday in range(5):
        OpeningHours.objects.create(
            branch=branch, weekday=weekday, opens_at=dt.time(8), closes_at=dt.time(10)
        )
    return BranchService.objects.create(
        branch=branch, service=ServiceKind.KONSULTASI, slot_minutes=slot_minutes, capacity=capacity
    )


@pytest.fixture
def service(db: None) -> BranchService:
    return make_branch()


def staff_with_role(role: str, branch: Branch | None) -> User:
    user = cast(User, StaffFactory(branch=branch))
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
