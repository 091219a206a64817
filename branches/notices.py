"""The notice of the branch queue (portal.notices): the reminder of a branch visit, the one message a
booking sends."""

from __future__ import annotations

from django.urls import reverse

from branches.models import Booking, ServiceKind
from participants.models import Participant
from portal.notices import Notice, absolute_url, publish
from portal.phones import normalize_msisdn


def _participant_for_sms(booking: Booking) -> Participant | None:
    """The account's KPJ whose phone an SMS reminder goes to: the newest registration with a mobile
    number on record (a booking belongs to the account, not to one KPJ)."""
    participants = list(Participant.objects.filter(user_id=booking.user_id).order_by("-registered_on", "-pk"))
    with_phone = [p for p in participants if normalize_msisdn(p.phone)]
    candidates = with_phone or participants
    return candidates[0] if candidates else None


def booking_reminder(booking: Booking) -> list[int]:
    """Queue the day-before reminder for `booking`: email to the account's address and/or SMS, as the
    account chose for membership notices (`/akun/notifikasi/`; without a choice, email).

    Written in the caller's transaction, sent by the outbox task after commit. Idempotent per booking
    and schedule (the key holds the start time): a second call for the same schedule queues nothing,
    a rescheduled booking gets its own reminder. Returns the queued outbox ids.
    """
    details = {
        "code": booking.code,
        "queue_number": booking.queue_number,
        "starts_at": booking.starts_at,
        # The label itself (lazy), as get_service_display would show it when the message is rendered
        # in the person's language.
        "get_service_display": dict(ServiceKind.choices).get(booking.service, booking.service),
        "branch": {"name": booking.branch.name, "address": booking.branch.address},
    }
    return publish(
        Notice(
            event="booking_reminder",
            key=f"booking_reminder:{booking.pk}:{booking.starts_at.isoformat()}",
            context={
                "booking": details,
                "url": absolute_url(reverse("branches:detail", args=[booking.public_id])),
            },
            user=booking.user,
            participant=_participant_for_sms(booking),
            email=booking.user.email or None,
        )
    )
