"""Bounded redelivery: a late-acknowledged task whose worker was killed runs again within 5 minutes,
and no message is legitimately held longer than Redis' visibility timeout (portal/settings.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from notifications.tasks import _backoff
from portal.celery import app

KOMBU_RESTORE_EVERY = 10  # seconds between two scans of Redis' unacked set by each worker
PROJECT_APPS = (
    *("portal.", "participants.", "accounts.", "contributions.", "claims.", "branches."),
    *("layanan.", "notifications.", "backoffice."),
)


def _project_tasks() -> list[Any]:
    app.loader.import_default_modules()
    return [task for name, task in app.tasks.items() if name.startswith(PROJECT_APPS)]


def visibility_timeout() -> int:
    return int(settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])


def test_a_killed_workers_task_is_handed_out_again_within_five_minutes() -> None:
    options = app.conf.broker_transport_options
    assert options["visibility_timeout"] == visibility_timeout()
    # kombu scans for expired unacked messages every interval, but only every `throttle`-th time.
    scan_every = options["unacked_restore_interval"] * options["unacked_restore_throttle"]
    assert scan_every == KOMBU_RESTORE_EVERY
    assert visibility_timeout() + scan_every <= 5 * 60


def test_every_late_acknowledged_task_finishes_within_the_visibility_timeout() -> None:
    tasks = _project_tasks()
    assert len(tasks) > 20  # the discovery found the apps' tasks
    for task in tasks:
        if not task.acks_late:
            continue
        hard_limit = task.time_limit or app.conf.task_time_limit
        longest_wait = settings.TASKS_LONGEST_COUNTDOWN
        assert hard_limit + longest_wait < visibility_timeout(), task.name
        assert (task.retry_backoff_max or 0) <= longest_wait, task.name


def test_tasks_longer_than_the_visibility_timeout_are_acknowledged_on_receipt() -> None:
    long = [t.name for t in _project_tasks() if (t.time_limit or 0) >= visibility_timeout()]
    assert sorted(long) == [
        "participants.ledger.tasks.credit_previous_year_development",
        "participants.ledger.tasks.reconcile_ledger",
    ]
    assert all(not app.tasks[name].acks_late for name in long)


def test_no_notification_backoff_outlives_the_visibility_timeout() -> None:
    longest = max(_backoff(n) for n in range(settings.NOTIFICATION_MAX_RETRIES + 1))
    assert longest == settings.TASKS_LONGEST_COUNTDOWN
    assert longest + app.conf.task_time_limit < visibility_timeout()
