"""Durable effects (portal/effects): recorded with the change, sent after commit, claimed once by the
task, swept when late, and never a 500 when the broker is down after the commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from portal.celery import idempotent_task
from portal.effects import services
from portal.effects.models import Effect, EffectStatus
from portal.effects.services import (
    effect_requeue,
    effect_resend_if_stuck,
    effect_schedule,
    effects_sweep,
)
from portal.middleware import ServiceUnavailableMiddleware

pytestmark = pytest.mark.django_db

calls: list[str] = []


@idempotent_task(name="tests.portal.test_effects.note")
def note(value: str) -> str:
    """A task that says how often it ran; "boom" fails, "slow" asks Celery for a retry."""
    calls.append(value)
    if value == "boom":
        raise ValueError("boom")
    if value == "slow":
        raise note.retry(countdown=60, exc=TimeoutError("bank"), max_retries=3)
    return value


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    calls.clear()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[Any], dict[str, Any]]]:
    """What reaches the broker (instead of Redis)."""
    messages: list[tuple[list[Any], dict[str, Any]]] = []

    def apply_async(args: list[Any], kwargs: dict[str, Any], **options: Any) -> None:
        assert options == {"retry": False}
        messages.append((args, kwargs))

    monkeypatch.setattr(note, "apply_async", apply_async)
    return messages


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(note, "apply_async", refuse)


def run(effect: Effect) -> Any:
    """One delivery of the effect's message to a worker (eagerly, through Celery's tracer)."""
    return note.apply(args=effect.args, kwargs={"effect_id": effect.pk}).result


def test_an_effect_is_recorded_in_the_transaction_and_sent_after_commit(
    sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        effect = effect_schedule(note, "a")
        assert sent == []  # not before the commit
    assert sent == [(["a"], {"effect_id": effect.pk})]
    effect.refresh_from_db()
    assert (effect.task, effect.args, effect.status, effect.attempts) == (
        "tests.portal.test_effects.note",
        ["a"],
        EffectStatus.PENDING,
        0,
    )


def test_a_rolled_back_change_records_and_sends_nothing(
    sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            effect_schedule(note, "a")
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert (Effect.objects.count(), sent) == (0, [])


def test_a_broker_error_after_commit_is_logged_and_the_effect_is_due_at_once(
    broker_down: None, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        effect = effect_schedule(note, "a")
    effect.refresh_from_db()
    assert effect.status == EffectStatus.PENDING
    assert effect.due_at <= timezone.now()
    assert "effect.send_failed" in caplog.text


def test_a_run_marks_the_effect_done_and_a_second_delivery_does_nothing() -> None:
    effect = effect_schedule(note, "a")
    assert run(effect) == "a"
    assert run(effect) is None
    effect.refresh_from_db()
    assert (calls, effect.status, effect.attempts) == (["a"], EffectStatus.DONE, 1)
    assert effect.done_at is not None


def test_a_run_skips_an_effect_running_elsewhere_but_takes_over_a_dead_one() -> None:
    effect = effect_schedule(note, "a")
    Effect.objects.filter(pk=effect.pk).update(status=EffectStatus.STARTED, started_at=timezone.now())
    assert run(effect) is None
    assert calls == []
    # Started longer ago than the hard time limit plus the margin: that worker died.
    long_ago = timezone.now() - dt.timedelta(seconds=note.stale_after() + 1)
    Effect.objects.filter(pk=effect.pk).update(started_at=long_ago)
    assert run(effect) == "a"
    effect.refresh_from_db()
    assert (calls, effect.status) == (["a"], EffectStatus.DONE)


def test_a_failing_run_is_tried_again_later_then_given_up(settings: Any) -> None:
    settings.EFFECTS_MAX_ATTEMPTS = 2
    effect = effect_schedule(note, "boom")
    before = timezone.now()
    run(effect)
    effect.refresh_from_db()
    assert (effect.status, effect.attempts, effect.last_error) == (
        EffectStatus.PENDING,
        1,
        "ValueError('boom')",
    )
    assert before + dt.timedelta(seconds=59) < effect.due_at < timezone.now() + dt.timedelta(seconds=61)
    run(effect)
    effect.refresh_from_db()
    assert (effect.status, effect.attempts, calls) == (EffectStatus.FAILED, 2, ["boom", "boom"])
    assert run(effect) is None  # given up: only staff send it again
    assert calls == ["boom", "boom"]


def test_a_celery_retry_leaves_the_effect_pending_past_the_retry(settings: Any) -> None:
    effect = effect_schedule(note, "slow")
    run(effect)
    effect.refresh_from_db()
    assert (effect.status, effect.last_error) == (EffectStatus.PENDING, "TimeoutError('bank')")
    assert effect.due_at > timezone.now() + dt.timedelta(seconds=60 + settings.EFFECTS_DEADLINE - 5)


def test_a_task_called_without_an_effect_runs_as_before() -> None:
    assert note.apply(args=["plain"]).result == "plain"
    assert (calls, Effect.objects.count()) == (["plain"], 0)


def test_the_sweeper_sends_what_is_past_its_deadline_only(sent: list[Any], settings: Any) -> None:
    now = timezone.now()
    late = effect_schedule(note, "late")
    dead = effect_schedule(note, "dead")
    waiting = effect_schedule(note, "waiting")
    done = effect_schedule(note, "done")
    Effect.objects.filter(pk__in=[late.pk, done.pk]).update(due_at=now - dt.timedelta(seconds=1))
    Effect.objects.filter(pk=dead.pk).update(
        status=EffectStatus.STARTED, due_at=now - dt.timedelta(seconds=1)
    )
    Effect.objects.filter(pk=done.pk).update(status=EffectStatus.DONE)
    assert effects_sweep(now=now) == 2
    assert sent == [(["late"], {"effect_id": late.pk}), (["dead"], {"effect_id": dead.pk})]
    late.refresh_from_db()
    assert late.due_at == now + dt.timedelta(seconds=settings.EFFECTS_DEADLINE)
    assert effects_sweep(now=now) == 0  # not due again before its new deadline
    waiting.refresh_from_db()
    assert waiting.due_at > now


def test_the_sweeper_stops_at_the_first_broker_error(broker_down: None) -> None:
    now = timezone.now()
    for value in ("a", "b"):
        effect_schedule(note, value)
    Effect.objects.update(due_at=now - dt.timedelta(seconds=1))
    assert effects_sweep(now=now) == 0
    assert Effect.objects.filter(due_at__lte=timezone.now()).count() == 2  # due for the next sweep


def test_the_sweeper_gives_up_on_a_task_that_no_longer_exists(sent: list[Any]) -> None:
    gone = Effect.objects.create(task="portal.tasks.renamed", args=[1], due_at=timezone.now())
    assert effects_sweep() == 0
    gone.refresh_from_db()
    assert (gone.status, gone.last_error, sent) == (EffectStatus.FAILED, "unknown task", [])


def test_requeue_starts_a_failed_effect_over_and_leaves_a_done_one(
    sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    failed = effect_schedule(note, "a")
    done = effect_schedule(note, "b")
    Effect.objects.filter(pk=failed.pk).update(status=EffectStatus.FAILED, attempts=5)
    Effect.objects.filter(pk=done.pk).update(status=EffectStatus.DONE)
    with django_capture_on_commit_callbacks(execute=True):
        assert effect_requeue(effect_id=failed.pk) is True
        assert effect_requeue(effect_id=done.pk) is False
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (EffectStatus.PENDING, 0)
    assert sent == [(["a"], {"effect_id": failed.pk})]


def test_asking_again_resends_only_a_stuck_effect(
    sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    effect = effect_schedule(note, "a")
    with django_capture_on_commit_callbacks(execute=True):
        assert effect_resend_if_stuck(note, "a") is False  # within its deadline: in the queue
    Effect.objects.filter(pk=effect.pk).update(due_at=timezone.now())  # its send failed
    with django_capture_on_commit_callbacks(execute=True):
        assert effect_resend_if_stuck(note, "a") is True
    assert sent == [(["a"], {"effect_id": effect.pk})]


def test_delay_on_commit_logs_a_broker_error_instead_of_raising(
    broker_down: None, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        note.delay_on_commit("a")
    assert "task.send_failed" in caplog.text


def test_a_broker_error_before_the_commit_is_a_503() -> None:
    request = RequestFactory().get("/")
    middleware = ServiceUnavailableMiddleware(lambda r: HttpResponse())
    response = middleware.process_exception(request, BrokerUnavailable("Connection refused"))
    assert response is not None
    assert (response.status_code, response["Retry-After"]) == (503, "30")


def test_effect_send_reaches_the_real_broker() -> None:
    # Not patched: Celery must accept the effect id beside the task's own arguments.
    effect = effect_schedule(note, "a")
    assert services.effect_send(effect.pk, note.name, ["a"]) is True
