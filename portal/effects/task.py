"""`EffectTask`: the task class of every `idempotent_task` (portal/celery.py).

Imports no model at module level: portal/celery.py imports it before Django's apps are loaded.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import structlog
from celery.contrib.django.task import DjangoTask
from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction

log = structlog.get_logger(__name__)

EFFECT_KWARG = "effect_id"  # the keyword an effect's row id travels under in the message


class EffectTask(DjangoTask):
    """A task that may run for an `Effect` row (sent with the `effect_id` keyword).

    With an effect id the run claims the row first (skipping a done row or one running elsewhere),
    and marks it done, retrying or failed. The keyword is taken off before the task's function sees
    it, and stays in the message, so Celery's own retries carry it. Without one, a plain run.
    """

    # Celery checks a call's arguments against the function's signature when sending; the effect id
    # is not in it (it is taken off in `__call__`), so that check is off for these tasks.
    typing = False

    def stale_after(self) -> float:
        """Seconds after which a started run is presumed dead: the hard time limit and a margin."""
        hard = self.time_limit or self.app.conf.task_time_limit or settings.CELERY_TASK_TIME_LIMIT
        return float(hard + settings.EFFECTS_STALE_MARGIN)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        effect_id = kwargs.pop(EFFECT_KWARG, None)
        if effect_id is None:
            return super().__call__(*args, **kwargs)
        from portal.effects import runs

        if not runs.effect_start(effect_id=effect_id, stale_after=self.stale_after()):
            return None
        try:
            result = super().__call__(*args, **kwargs)
        except Retry as exc:
            when = exc.when if isinstance(exc.when, int | float) else settings.TASKS_LONGEST_COUNTDOWN
            runs.effect_retrying(effect_id=effect_id, error=repr(exc.exc), countdown=when)
            raise
        except Exception as exc:
            runs.effect_failed(effect_id=effect_id, error=repr(exc))
            raise
        runs.effect_done(effect_id=effect_id)
        return result

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> Any:
        """Celery's `delay_on_commit`, except that a broker error is logged instead of raised.

        The callback runs after the commit: raising there would answer a committed change with a 500
        and skip the other callbacks. Whatever is sent this way must have its own record and sweeper
        (the notification outbox: `send_stale_outbox`); work without one goes through `effect_schedule`.
        """
        transaction.on_commit(partial(self._delay_logged, args, kwargs))

    def _delay_logged(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            self.apply_async(args, kwargs, retry=False)
        except Exception:
            log.warning("task.send_failed", task=self.name, exc_info=True)
