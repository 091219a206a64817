"""Sending tasks (all on the `notifications` queue: names start with `send_`, see portal/celery.py).

Thin and safe to run twice: they take outbox ids and call `outbox_deliver`, which locks the row.
Temporary failures retry with exponential backoff (30 s, 60 s, then every TASKS_LONGEST_COUNTDOWN,
2 min: a countdown must end within the broker's visibility timeout, settings.py; at most
NOTIFICATION_MAX_RETRIES times); then the message is marked failed. The outbox row is the durable
record of a message: a send lost after commit (`delay_on_commit` logs a broker error, never raises,
portal/effects/task.py) is picked up by `send_stale_outbox`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from portal.celery import idempotent_task


def _backoff(retries: int) -> int:
    return int(min(settings.TASKS_LONGEST_COUNTDOWN, 30 * 2**retries))


@idempotent_task(bind=True, autoretry_for=(), max_retries=None)
def send_outbox(self: Any, outbox_id: int) -> str:
    from notifications.services import RETRY, outbox_deliver

    final = self.request.retries >= settings.NOTIFICATION_MAX_RETRIES
    outcome = outbox_deliver(outbox_id=outbox_id, final_attempt=final)
    if outcome == RETRY:
        raise self.retry(countdown=_backoff(self.request.retries))
    return outcome


@idempotent_task()
def send_outbox_batch(outbox_ids: list[int]) -> int:
    """Fan-out: deliver a chunk of messages in one task (one lock query, one bulk update); a message
    that failed temporarily gets its own `send_outbox` task with backoff. Returns how many were sent."""
    from notifications.services import outbox_deliver_batch

    sent, retry = outbox_deliver_batch(outbox_ids=outbox_ids)
    for pk in retry:
        send_outbox.apply_async((pk,), countdown=_backoff(0))
    return sent


@idempotent_task()
def send_stale_outbox(minutes: int = 15) -> int:
    """Safety net: re-enqueue messages still queued `minutes` after their last change (a worker lost
    between commit and enqueue, a broker outage at commit, a purged queue). Retrying rows are touched
    at every attempt and the longest backoff is 2 minutes, so they are not picked up twice. Returns how
    many were enqueued."""
    import datetime as dt

    from django.utils import timezone

    from notifications.models import Outbox, OutboxStatus

    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    ids = list(
        Outbox.objects.filter(status=OutboxStatus.QUEUED, updated_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:50_000]
    )
    for start in range(0, len(ids), 500):
        send_outbox_batch.delay(ids[start : start + 500])
    return len(ids)
