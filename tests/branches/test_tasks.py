"""The day-before reminder: one email per active booking of tomorrow, never twice."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core import mail

from branches import tasks
from branches.models import Booking
from branches.services import booking_cancel, booking_create
from tests.branches.conftest import MONDAY, NOW, at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks.send_booking_reminder, "delay", tasks.send_booking_reminder)


def test_reminder_is_sent_once_for_tomorrows_active_bookings(service: Any) -> None:
    tuesday = MONDAY.replace(day=24)
    kept = booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(tuesday, 8), now=NOW)
    cancelled_user = UserFactory()
    cancelled = booking_create(
        user=cancelled_user, branch_service_id=service.pk, starts_at=at(tuesday, 9), now=NOW
    )
    booking_cancel(user=cancelled_user, booking_id=cancelled.public_id, now=NOW)
    booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 9), now=NOW
    )  # today
    with time_machine.travel(at(MONDAY, 16), tick=False):
        assert tasks.send_booking_reminders() == 1
        assert tasks.send_booking_reminders() == 0
        assert tasks.send_booking_reminder(kept.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [kept.user.email]
    assert kept.code in message.subject
    assert kept.code in message.body
    assert "08:00" in message.body
    assert Booking.objects.get(pk=kept.pk).reminder_sent_at is not None


def test_a_failed_send_leaves_the_booking_for_the_next_run(
    service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY.replace(day=24), 8), now=NOW
    )

    def broken(_booking: Booking) -> None:
        raise ConnectionError("smtp down")

    monkeypatch.setattr("branches.notify.notify_booking_reminder", broken)
    with pytest.raises(ConnectionError):
        tasks.send_booking_reminder(booking.pk)
    assert Booking.objects.get(pk=booking.pk).reminder_sent_at is None


def test_beat_schedule_has_the_reminder() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["booking-reminders-daily"]
    assert entry["task"] == "branches.tasks.send_booking_reminders"
