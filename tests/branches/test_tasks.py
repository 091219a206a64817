"""The day-before reminder: queued in the notification outbox for every active booking of tomorrow, by
the channels the account chose (email, SMS or both), once per booking and schedule however often the
beat task runs; the outbox task sends it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail

from branches import tasks
from branches.models import Booking
from branches.services import booking_cancel, booking_create, booking_reschedule
from notifications import tasks as notification_tasks
from notifications.models import Outbox
from notifications.senders import FakeSmsSender
from notifications.services import preferences_update
from tests.branches.conftest import MONDAY, NOW, at
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _inline_delay(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    monkeypatch.setattr(tasks.send_booking_reminder, "delay", tasks.send_booking_reminder)
    settings.SMS_SENDER = "fake"
    settings.PORTAL_BASE_URL = "https://portal.test"
    FakeSmsSender.reset()


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The outbox send tasks enqueued (not run: a test runs them itself)."""
    ids: list[int] = []
    monkeypatch.setattr(notification_tasks.send_outbox, "delay_on_commit", ids.append)
    return ids


def send(outbox_ids: list[int]) -> None:
    for pk in outbox_ids:
        notification_tasks.send_outbox.apply(args=(pk,))


def test_reminder_is_queued_once_for_tomorrows_active_bookings_and_sent_by_the_outbox(
    service: Any, enqueued: list[int]
) -> None:
    kept = booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(TUESDAY, 8), now=NOW)
    cancelled_user = UserFactory()
    cancelled = booking_create(
        user=cancelled_user, branch_service_id=service.pk, starts_at=at(TUESDAY, 9), now=NOW
    )
    booking_cancel(user=cancelled_user, booking_id=cancelled.public_id, now=NOW)
    booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 9), now=NOW
    )  # today
    with time_machine.travel(at(MONDAY, 16), tick=False):
        assert tasks.send_booking_reminders() == 1
        assert tasks.send_booking_reminders() == 0
        assert tasks.send_booking_reminder(kept.pk) is False
    assert mail.outbox == []  # queued, not sent by the beat task
    row = Outbox.objects.get()
    assert enqueued == [row.pk]
    assert (row.event, row.category, row.channel, row.recipient, row.status) == (
        "booking_reminder",
        "membership",
        "email",
        kept.user.email,
        "queued",
    )
    send(enqueued * 2)  # the send task run twice sends once
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [kept.user.email]
    assert message.subject == f"Pengingat janji temu besok ({kept.code})"
    assert kept.code in message.body
    assert "Selasa, 24 November 2026 08:00 WIB" in message.body
    assert f"https://portal.test/layanan/antrian/{kept.public_id}/" in message.body
    assert Booking.objects.get(pk=kept.pk).reminder_sent_at is not None


def test_a_second_run_past_the_mark_queues_nothing_more(service: Any, enqueued: list[int]) -> None:
    """A redelivered task that gets past the booking's mark still queues one message: the outbox key is
    per booking and schedule."""
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(TUESDAY, 8), now=NOW
    )
    assert tasks.send_booking_reminder(booking.pk) is True
    Booking.objects.filter(pk=booking.pk).update(reminder_sent_at=None)
    assert tasks.send_booking_reminder(booking.pk) is True
    assert Outbox.objects.count() == 1
    send(enqueued)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("choice", "channels"),
    [((False, True), ["sms"]), ((True, True), ["email", "sms"]), ((True, False), ["email"])],
)
def test_the_reminder_follows_the_accounts_choice(
    service: Any, enqueued: list[int], choice: tuple[bool, bool], channels: list[str]
) -> None:
    user = UserFactory()
    ParticipantFactory(user=user, phone="0813-1111-2222", email="lain@contoh.id")
    preferences_update(user=user, choices={"membership": choice})
    booking = booking_create(user=user, branch_service_id=service.pk, starts_at=at(TUESDAY, 8), now=NOW)
    with time_machine.travel(at(MONDAY, 16), tick=False):
        assert tasks.send_booking_reminders() == 1
        assert tasks.send_booking_reminders() == 0
    rows = Outbox.objects.order_by("channel")
    assert [r.channel for r in rows] == channels
    send(enqueued * 2)
    sms = [(s.to, s.text) for s in FakeSmsSender.sent]
    if "sms" in channels:
        assert len(sms) == 1
        assert sms[0][0] == "6281311112222"
        assert booking.code in sms[0][1]
        assert "24/11 08:00 WIB" in sms[0][1]
    else:
        assert sms == []
    # Email goes to the account's address, not the KPJ's.
    assert [m.to for m in mail.outbox] == ([[user.email]] if "email" in channels else [])


def test_a_rescheduled_booking_gets_a_reminder_for_its_new_schedule(
    service: Any, enqueued: list[int]
) -> None:
    user = UserFactory()
    booking = booking_create(user=user, branch_service_id=service.pk, starts_at=at(TUESDAY, 8), now=NOW)
    assert tasks.send_booking_reminder(booking.pk) is True
    booking_reschedule(user=user, booking_id=booking.public_id, starts_at=at(TUESDAY, 9), now=NOW)
    assert tasks.send_booking_reminder(booking.pk) is True
    assert Outbox.objects.count() == 2
    send(enqueued)
    assert ["08:00" in m.body for m in mail.outbox] == [True, False]
    assert "09:00 WIB" in mail.outbox[1].body


def test_a_failure_while_queueing_leaves_the_booking_for_the_next_run(
    service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(TUESDAY, 8), now=NOW
    )

    def broken(_booking: Booking) -> None:
        raise ConnectionError("database gone")

    monkeypatch.setattr("branches.notices.booking_reminder", broken)
    with pytest.raises(ConnectionError):
        tasks.send_booking_reminder(booking.pk)
    assert Booking.objects.get(pk=booking.pk).reminder_sent_at is None
    assert Outbox.objects.count() == 0


def test_beat_schedule_has_the_reminder() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["booking-reminders-daily"]
    assert entry["task"] == "branches.tasks.send_booking_reminders"
