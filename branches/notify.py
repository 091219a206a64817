"""The one place that sends a booking message: through the notification outbox (`notify`)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from branches.models import Booking
from notifications.services import notify
from participants.models import Participant
from portal.phones import normalize_msisdn


def _participant_for_sms(booking: Booking) -> Participant | None:
    """The account's KPJ whose phone an SMS reminder goes to: the newest registration with a mobile
    number on record (a booking belongs to the account, not to one KPJ)."""
    participants = list(Participant.objects.filter(user_id=booking.user_id).order_by("-registered_on", "-pk"))
    with_phone = [p for p in participants if normalize_msisdn(p.phone)]
    candidates = with_phone or participants
    return candidates[0] if candidates else None


def notify_booking_reminder(booking: Booking) -> list[int]:
    """Queue the day-before reminder for `booking`: email to the account's address and/or SMS, as the
    account chose for membership notices (`/akun/notifikasi/`; without a choice, email).

    Written in the caller's transaction, sent by the outbox task after commit. Idempotent per booking
    and schedule (the event key holds the start time): a second call for the same schedule queues
    nothing, a rescheduled booking gets its own reminder. Returns the queued outbox ids.
    """
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("branches:detail", args=[booking.public_id])
    return notify(
        event="booking_reminder",
        event_key=f"booking_reminder:{booking.pk}:{booking.starts_at.isoformat()}",
        context={"booking": booking, "url": url},
        user=booking.user,
        participant=_participant_for_sms(booking),
        email=booking.user.email or None,
    )
