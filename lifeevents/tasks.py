"""Daily life-event reminders (beat: lifeevents-reminders-daily), through the notification outbox."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.celery import idempotent_task


@idempotent_task()
def send_life_event_reminders() -> int:
    """Queue the reminders due today (lifeevents.reminders). Safe to run twice: every notice's key names
    the exit or pension date and the reminder, so the outbox queues each once per channel."""
    from lifeevents.reminders import due_reminders
    from portal.notices import publish_many

    notices = due_reminders(timezone.localdate())
    with transaction.atomic():
        return len(publish_many(notices))
