"""portal.notices: a published notice lands in the outbox synchronously, in the publisher's transaction
(rolled back with it, sent only after its commit), and never silently without a sink."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from notifications.models import Outbox
from notifications.tasks import send_outbox
from portal import notices
from portal.notices import Notice, publish, publish_many

SMS = Notice(event="sms_reply", key="notice-1", context={"kind": "help"}, phone="081311112222")


def test_a_notice_commits_with_the_change_that_caused_it(
    db: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueued: list[int] = []
    # apply_async: `delay_on_commit` sends through it after the commit.
    monkeypatch.setattr(
        send_outbox, "apply_async", lambda args=(), kwargs=None, **options: enqueued.append(args[0])
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [pk] = publish(SMS)
        assert Outbox.objects.filter(pk=pk).exists()  # written now, inside the transaction
        assert enqueued == []  # the send task waits for the commit
    assert enqueued == [pk]
    assert publish(SMS) == [pk]  # still queued: the same row, nothing new
    assert Outbox.objects.count() == 1


def test_a_notice_rolls_back_with_the_change_that_caused_it(
    db: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueued: list[int] = []
    monkeypatch.setattr(send_outbox, "delay", enqueued.append)

    def change_that_fails() -> None:
        with transaction.atomic():
            publish(SMS)
            raise RuntimeError("the domain change failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        change_that_fails()
    assert (Outbox.objects.count(), callbacks, enqueued) == (0, [], [])


def test_publish_many_queues_each_notice_once(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from notifications.tasks import send_outbox_batch

    monkeypatch.setattr(send_outbox_batch, "delay_on_commit", lambda ids: None)
    batch = [SMS, Notice(event="sms_reply", key="notice-2", context={"kind": "help"}, phone="081311113333")]
    ids = publish_many(batch)
    assert sorted(Outbox.objects.values_list("recipient", flat=True)) == ["6281311112222", "6281311113333"]
    assert sorted(publish_many(batch)) == sorted(ids)  # same keys: no new rows, the same queued ids
    assert publish_many([]) == []


def test_without_a_sink_publishing_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notices, "_sink", None)
    with pytest.raises(ImproperlyConfigured, match="No notice sink registered"):
        publish(SMS)
