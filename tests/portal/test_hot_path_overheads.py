"""Redis and Celery on the hot webhook paths (bench/README.md): stock, cheap, and still doing their job."""

import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from kombu import Queue

from accounts.ratelimit import ratelimit_hit
from portal.celery import app
from portal.tasks import heartbeat


def test_the_rate_limit_counts_in_the_cache_and_refuses_past_the_limit() -> None:
    cache.delete("accounts:rl:test-hot-path")
    assert [ratelimit_hit(key="test-hot-path", limit=2, window_seconds=60) for _ in range(3)] == [
        True,
        True,
        False,
    ]


def test_the_rate_limit_window_starts_at_the_first_attempt_and_later_ones_do_not_extend_it() -> None:
    full_key = cache.make_and_validate_key("accounts:rl:test-window")
    client: Any = cache._cache.get_client(full_key, write=True)
    client.delete(full_key)
    assert ratelimit_hit(key="test-window", limit=5, window_seconds=60)
    assert 0 < client.ttl(full_key) <= 60
    assert ratelimit_hit(key="test-window", limit=5, window_seconds=3600)  # a later, longer window
    assert 0 < client.ttl(full_key) <= 60
    assert int(client.get(full_key)) == 2


def test_celery_reads_the_django_settings_so_an_override_reaches_it(settings: Any) -> None:
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.broker_transport_options["visibility_timeout"] == 240
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 7
    assert app.conf.task_soft_time_limit == 7


def test_a_published_task_arrives_on_its_queue() -> None:
    with app.connection_for_write() as conn:
        queue = Queue("default", channel=conn.default_channel)
        queue.purge()
        for _ in range(3):
            heartbeat.apply_async(connection=conn)
        assert queue.queue_declare(passive=True).message_count == 3
        queue.purge()


@pytest.mark.django_db
def test_a_request_logs_one_line_at_info(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="django_structlog"):
        assert Client().get("/").status_code == 200
    events = [r.msg["event"] for r in caplog.records if isinstance(r.msg, dict)]
    assert events == ["request_finished"]
