import gc
import threading
from typing import Any

import pytest
from celery.signals import task_postrun, worker_init
from django.db import transaction

from portal.celery import _freeze_after_worker_start, app, freeze_startup_objects
from portal.models import Heartbeat
from portal.tasks import heartbeat


def test_queues_and_routing() -> None:
    assert [q.name for q in app.conf.task_queues] == [
        "default",
        "payments",
        "claims",
        "pdf",
        "notifications",
    ]
    router = app.amqp.router
    assert router.route({}, "contributions.tasks.payment_reconcile")["queue"].name == "payments"
    assert router.route({}, "claims.tasks.claim_verify")["queue"].name == "claims"
    assert router.route({}, "claims.tasks.render_claim_receipt")["queue"].name == "pdf"
    assert router.route({}, "participants.tasks.send_statement_ready")["queue"].name == "notifications"
    assert router.route({}, "portal.tasks.heartbeat")["queue"].name == "default"


def test_serialization_and_reliability_settings() -> None:
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    # Minutes, not hours: a killed worker's task comes back soon (tests/portal/test_redelivery.py
    # checks that every countdown and hard time limit fits inside it).
    assert app.conf.broker_transport_options["visibility_timeout"] == 240
    assert heartbeat.acks_late is True
    assert heartbeat.reject_on_worker_lost is True


def test_beat_schedule_is_static_and_points_at_registered_tasks() -> None:
    app.loader.import_default_modules()  # what a worker does at start: import every tasks module
    schedule = app.conf.beat_schedule
    assert schedule["heartbeat"]["task"] == "portal.tasks.heartbeat"
    for entry in schedule.values():
        assert entry["task"] in app.tasks


def test_worker_start_freezes_the_startup_objects_for_the_garbage_collector() -> None:
    # Connected to worker_init (a strong reference: it is a module-level function).
    assert _freeze_after_worker_start in worker_init._live_receivers(None)
    gc.unfreeze()  # a real worker started by an earlier test (celery_worker) froze this process already
    try:
        freeze_startup_objects()
        # Everything alive went to the permanent generation: a full collection has (almost) nothing to walk.
        assert gc.get_freeze_count() > 100_000
        assert sum(gc.get_count()) < 1_000
    finally:
        gc.unfreeze()  # the test process keeps collecting normally


@pytest.mark.integration
def test_task_enqueued_on_commit_runs_on_a_real_worker(celery_worker: Any) -> None:
    done = threading.Event()

    def on_done(sender: Any = None, **kwargs: Any) -> None:
        if sender is not None and sender.name == "portal.tasks.heartbeat":
            done.set()

    task_postrun.connect(on_done, weak=False)
    try:
        with transaction.atomic():
            heartbeat.delay_on_commit("integration")
            # Not sent yet: the task would otherwise race the transaction it depends on.
            assert not done.is_set()
        assert done.wait(timeout=30), "the worker did not run the task"
    finally:
        task_postrun.disconnect(on_done)
    assert Heartbeat.objects.filter(key="integration").count() == 1


@pytest.mark.django_db
def test_heartbeat_is_idempotent() -> None:
    heartbeat("twice")
    heartbeat("twice")
    assert Heartbeat.objects.filter(key="twice").count() == 1
