"""What a task run writes on its effect row (called by portal/effects/task.py).

A run first claims the row: pending, or started so long ago that its worker must have died (longer
than the task's hard time limit). Only one run holds a claim at a time and a done row is never run
again: the task is idempotent by the row's id, whatever the broker delivers twice.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from portal.effects.models import Effect, EffectStatus

log = structlog.get_logger(__name__)


def effect_start(*, effect_id: int, stale_after: float) -> bool:
    """Claim the row for this run; False when it is done, failed, gone or running elsewhere."""
    now = timezone.now()
    stale = dt.timedelta(seconds=stale_after)
    claimed = (
        Effect.objects.filter(pk=effect_id)
        .filter(Q(status=EffectStatus.PENDING) | Q(status=EffectStatus.STARTED, started_at__lt=now - stale))
        .update(status=EffectStatus.STARTED, started_at=now, attempts=F("attempts") + 1, due_at=now + stale)
    )
    if not claimed:
        log.info("effect.skipped", effect_id=effect_id)
    return bool(claimed)


def effect_done(*, effect_id: int) -> None:
    Effect.objects.filter(pk=effect_id).update(
        status=EffectStatus.DONE, done_at=timezone.now(), last_error=""
    )


def effect_retrying(*, effect_id: int, error: str, countdown: float) -> None:
    """Celery retries the task itself (autoretry with backoff): pending again, and not due for the
    sweeper before Celery's retry had its chance."""
    due = timezone.now() + dt.timedelta(seconds=countdown + settings.EFFECTS_DEADLINE)
    Effect.objects.filter(pk=effect_id).update(status=EffectStatus.PENDING, due_at=due, last_error=error)


def retry_delay(attempts: int) -> int:
    """Seconds before the sweeper tries a failed run again: 1, 2, 4 … minutes, at most an hour."""
    return int(min(3600, 60 * 2 ** max(0, attempts - 1)))


def effect_failed(*, effect_id: int, error: str) -> None:
    """The run raised: tried again later by the sweeper, or `failed` after EFFECTS_MAX_ATTEMPTS runs
    (it then waits for staff: the admin's "kirim ulang sekarang")."""
    effect = Effect.objects.filter(pk=effect_id).only("attempts").first()
    if effect is None:
        return
    gave_up = effect.attempts >= settings.EFFECTS_MAX_ATTEMPTS
    Effect.objects.filter(pk=effect_id).update(
        status=EffectStatus.FAILED if gave_up else EffectStatus.PENDING,
        due_at=timezone.now() + dt.timedelta(seconds=retry_delay(effect.attempts)),
        last_error=error[:2000],
    )
    log.warning("effect.run_failed", effect_id=effect_id, attempts=effect.attempts, gave_up=gave_up)
