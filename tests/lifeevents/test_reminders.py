"""Life-event reminders: the JKP deadline at 30 and 7 days, JHT open, pension 3 months ahead; through the
outbox, once per key."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lifeevents.reminders import due_reminders, pension_reminders
from lifeevents.tasks import send_life_event_reminders
from notifications.models import Outbox
from participants.models import ExitReason
from tests.lifeevents.conftest import laid_off, near_pension

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2027, 3, 15)  # PHK 15-09-2026 + 6 months


def keys(today: dt.date) -> list[str]:
    return sorted(n.key.split(":", 2)[1] + ":" + n.key.rsplit(":", 1)[1] for n in due_reminders(today))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DEADLINE - dt.timedelta(days=31), []),
        (DEADLINE - dt.timedelta(days=30), ["jkp:30"]),
        (DEADLINE - dt.timedelta(days=8), ["jkp:30"]),
        (DEADLINE - dt.timedelta(days=7), ["jkp:7"]),
        (DEADLINE, ["jkp:7"]),
        (DEADLINE + dt.timedelta(days=1), []),
    ],
)
def test_jkp_deadline_bands(today: dt.date, expected: list[str]) -> None:
    laid_off()
    assert keys(today) == expected


def test_no_jkp_reminder_for_an_ineligible_worker() -> None:
    laid_off(months=11)
    assert keys(DEADLINE - dt.timedelta(days=30)) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 10, 14), []),
        (dt.date(2026, 10, 15), ["jht-open:2026-10-15"]),
        (dt.date(2026, 10, 22), ["jht-open:2026-10-15"]),
        (dt.date(2026, 10, 23), []),
    ],
)
def test_jht_open_reminder_in_its_first_week(today: dt.date, expected: list[str]) -> None:
    laid_off(reason=ExitReason.RESIGN)
    assert keys(today) == expected


def test_pension_reminder_three_months_ahead() -> None:
    today = dt.date(2026, 12, 8)
    on_horizon = near_pension(birth_date=dt.date(1968, 3, 8))  # 59 on 08-03-2027 = today + 3 months
    near_pension(birth_date=dt.date(1968, 3, 9))  # one day later: not yet
    near_pension(birth_date=dt.date(1966, 12, 8))  # 58 on 08-12-2024: already retired
    notices = pension_reminders(today)
    assert [(n.participant.pk, n.context["pension_date"], n.context["age"]) for n in notices] == [
        (on_horizon.pk, "08-03-2027", 59)
    ]


def test_task_queues_each_reminder_once(settings: Any) -> None:
    worker = laid_off()
    when = dt.datetime(2027, 2, 13, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # 30 days before
    with time_machine.travel(when, tick=False):
        first = send_life_event_reminders()
        again = send_life_event_reminders()
    rows = Outbox.objects.filter(event="jkp_deadline", participant=worker)
    assert first == rows.count() >= 1
    assert again == first  # the same unsent rows, nothing new
    assert Outbox.objects.filter(event="jkp_deadline").count() == first
    assert "15-03-2027" in rows.first().body
