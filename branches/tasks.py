"""Day-before reminders for branch appointments (beat: daily), through the notification outbox."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.celery import idempotent_task


@idempotent_task()
def send_booking_reminders() -> int:
    """Queue one reminder per active booking of tomorrow that has not been reminded yet."""
    from branches.models import Booking, BookingStatus

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    ids = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminder_sent_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    ).values_list("pk", flat=True)
    count = 0
    for pk in ids.iterator():
        send_booking_reminder.delay(pk)
        count += 1
    return count


@idempotent_task()
def send_booking_reminder(booking_id: int) -> bool:
    """Queue one reminder in the notification outbox, at most once per schedule: the mark and the
    outbox rows share a transaction (a failure leaves the booking unmarked for the next run), and the
    outbox's event key is per booking and schedule, so even a run that got past the mark twice queues
    one message per channel. The outbox task sends it after commit (retries included). False when
    nothing was queued."""
    from branches.models import Booking, BookingStatus
    from branches.notices import booking_reminder

    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("branch", "user")
            .filter(pk=booking_id, status=BookingStatus.BOOKED, reminder_sent_at__isnull=True)
            .first()
        )
        if booking is None:
            return False
        Booking.objects.filter(pk=booking.pk).update(reminder_sent_at=timezone.now())
        booking_reminder(booking)
    return True
