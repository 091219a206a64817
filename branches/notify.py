"""The one place that sends a booking message. Today an email; switch to the notifications outbox here."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from branches.models import Booking


def notify_booking_reminder(booking: Booking) -> None:
    """Send the day-before reminder for `booking` to its account's email address."""
    with translation.override("id"):
        context = {"booking": booking}
        subject = render_to_string("branches/email/reminder_subject.txt", context).strip()
        body = render_to_string("branches/email/reminder.txt", context)
    send_mail(subject, body, None, [booking.user.email])
