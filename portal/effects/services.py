"""Recording, sending and sweeping effects (see portal/effects/__init__.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.effects.models import OPEN_STATUSES, Effect, EffectStatus
from portal.effects.task import EFFECT_KWARG

log = structlog.get_logger(__name__)


def _deadline(seconds: int | None = None) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds or settings.EFFECTS_DEADLINE)


def effect_schedule(task: Any, *args: Any, deadline: int | None = None) -> Effect:
    """Record that `task(*args)` must run because the caller's transaction commits, and send it then.

    Call it inside the transaction that makes the change: the row commits or rolls back with it, and
    nothing is sent unless it commits. `args` must be JSON (ids). If the task is not done `deadline`
    seconds later (EFFECTS_DEADLINE by default), the sweeper sends it again. Never raises a broker
    error: a failed send is logged and the row is left due for the next sweep.
    """
    effect = Effect.objects.create(task=task.name, args=list(args), due_at=_deadline(deadline))
    transaction.on_commit(partial(effect_send, effect.pk, task.name, effect.args))
    return effect


def _app() -> Any:
    from portal.celery import app  # the Celery app imports this package's task class

    return app


def _task(name: str) -> Any:
    return _app().tasks[name]


def effect_send(effect_id: int, task_name: str, args: Iterable[Any]) -> bool:
    """Hand an effect to the broker; False (logged, row due at once) when the broker refused it.

    Runs after commit, so it must not raise: the change it follows is committed and the user must be
    told so. `retry=False`: the sweeper is the retry, a request does not wait on a broker outage.
    """
    try:
        _task(task_name).apply_async(args=list(args), kwargs={EFFECT_KWARG: effect_id}, retry=False)
    except Exception:
        log.warning("effect.send_failed", effect_id=effect_id, task=task_name, exc_info=True)
        try:  # due now: the first sweep after the broker is back sends it
            Effect.objects.filter(pk=effect_id, status=EffectStatus.PENDING).update(due_at=timezone.now())
        except Exception:  # the database is gone too; the row keeps its deadline
            log.warning("effect.mark_due_failed", effect_id=effect_id, exc_info=True)
        return False
    return True


def effects_sweep(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Send again every open effect past its `due_at` (never sent, lost by the broker, or started by a
    worker that died); each gets a new deadline. Stops at the first broker error (the rest stays due).
    Returns how many were sent. Safe to run concurrently with task runs: a run claims its row."""
    now = now or timezone.now()
    due = list(
        Effect.objects.filter(status__in=OPEN_STATUSES, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", "task", "args")[:limit]
    )
    sent: list[int] = []
    for pk, task_name, args in due:
        if task_name not in _app().tasks:
            Effect.objects.filter(pk=pk).update(status=EffectStatus.FAILED, last_error="unknown task")
            continue
        if not effect_send(pk, task_name, args):
            break
        sent.append(pk)
    if sent:
        Effect.objects.filter(pk__in=sent).update(
            due_at=now + dt.timedelta(seconds=settings.EFFECTS_DEADLINE)
        )
    if due:
        log.info("effects.swept", due=len(due), sent=len(sent))
    return len(sent)


def effect_requeue(*, effect_id: int) -> bool:
    """Send an effect again now (staff action, a participant asking again): a failed one starts over
    with a clean attempt count; a done one is left alone (False). Sent after commit."""
    updated = (
        Effect.objects.filter(pk=effect_id)
        .exclude(status=EffectStatus.DONE)
        .update(
            status=EffectStatus.PENDING,
            attempts=0,
            due_at=_deadline(),
        )
    )
    if not updated:
        return False
    effect = Effect.objects.get(pk=effect_id)
    transaction.on_commit(partial(effect_send, effect.pk, effect.task, effect.args))
    return True


def effect_open_for(task: Any, *args: Any, failed_too: bool = False) -> Effect | None:
    """The open (or, with `failed_too`, given-up) effect that runs `task(*args)`, if any (the newest)."""
    statuses = [*OPEN_STATUSES, EffectStatus.FAILED] if failed_too else list(OPEN_STATUSES)
    return Effect.objects.filter(task=task.name, args=list(args), status__in=statuses).order_by("-pk").first()


def effect_resend_if_stuck(task: Any, *args: Any) -> bool:
    """Send `task(*args)` again now when its open effect is past its deadline (its send failed, the
    broker lost it, its worker died); True when sent. A row still within its deadline is waiting in
    the queue and is left alone, so asking again many times does not pile up messages."""
    effect = effect_open_for(task, *args)
    if effect is None or effect.due_at > timezone.now():
        return False
    if effect.status == EffectStatus.PENDING:
        Effect.objects.filter(pk=effect.pk).update(due_at=_deadline())
    transaction.on_commit(partial(effect_send, effect.pk, effect.task, effect.args))
    return True
