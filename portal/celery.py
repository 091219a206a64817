"""The Celery app and the task defaults every task in the project uses.

Configuration is the `CELERY_*` Django settings, read through Django's settings object as Celery's
Django guide does, so `override_settings` reaches Celery too. Queues and routing by task name are in
settings.py. Work a committed change needs is recorded and sent with
`portal.effects.services.effect_schedule`; tasks take ids and are safe to run twice.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import Any

from celery import Celery, shared_task
from celery.signals import worker_init

from portal.effects.task import EffectTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules inside app sub-packages are not found by the default discovery.
app.autodiscover_tasks(["participants.ledger", "portal.uploads", "portal.effects"])


def freeze_startup_objects() -> None:
    """Move every object alive after start-up out of the cyclic garbage collector's reach.

    A worker process holds ~175,000 long-lived objects (Django, every app's modules, WeasyPrint) that
    never become garbage, yet each full (generation 2) collection walks all of them: ~100 ms every few
    PDFs, because a WeasyPrint render leaves thousands of reference cycles behind (box trees) that
    trigger those collections. That cost landed on the statement's p95 (bench/README.md). After
    `gc.freeze()` a full collection only walks what was created since. Objects alive now are kept
    forever, hence the collection first; children forked by the prefork pool inherit the frozen set.
    """
    gc.collect()
    gc.freeze()


@worker_init.connect
def _freeze_after_worker_start(**_: Any) -> None:
    # Sent once the worker has imported every tasks module (and Django set up), before the pool forks.
    freeze_startup_objects()


def idempotent_task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """`shared_task` for tasks that are safe to run twice.

    Only such tasks may be acknowledged late and re-queued when a worker dies mid-task; they also
    retry transient failures a bounded number of times with jittered exponential backoff, never
    waiting longer than TASKS_LONGEST_COUNTDOWN (a countdown must end well within the broker's
    visibility timeout, settings.py). They run as `EffectTask`, so they can carry an effect's row.
    """
    from django.conf import settings

    defaults: dict[str, Any] = {
        "base": EffectTask,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": (ConnectionError, TimeoutError),
        "max_retries": 5,
        "retry_backoff": True,
        "retry_backoff_max": settings.TASKS_LONGEST_COUNTDOWN,
        "retry_jitter": True,
    }
    return shared_task(**{**defaults, **options})
