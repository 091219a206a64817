"""The per-request savings on hot webhook paths (bench/README.md): each must keep doing its job."""

import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.ratelimit import ratelimit_hit
from portal.broker import Channel as PortalChannel
from portal.celery import app
from portal.tasks import heartbeat


def test_cache_reuses_one_redis_client_per_pool_and_still_counts() -> None:
    backend: Any = cache._cache
    assert backend.get_client(write=True) is backend.get_client(write=True)
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


def test_celery_reads_its_settings_from_a_copy_of_the_django_settings(settings: Any) -> None:
    from portal.celery_config import CONFIG

    assert CONFIG["CELERY_BROKER_URL"] == settings.CELERY_BROKER_URL
    assert app.conf.task_soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert app.conf.broker_transport_options == settings.CELERY_BROKER_TRANSPORT_OPTIONS


def test_publishing_reuses_one_redis_client_per_channel_and_the_message_arrives() -> None:
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        assert isinstance(channel, PortalChannel)
        channel.queue_purge("default")
        first = channel._create_client()
        for _ in range(3):
            heartbeat.apply_async(connection=conn)
        assert channel._create_client() is first
        assert channel.client is not first  # consuming keeps kombu's own asynchronous client
        assert channel._size("default") == 3
        channel.queue_purge("default")


def test_a_closed_channel_does_not_hand_out_a_client_of_its_old_pool() -> None:
    with app.connection_for_write() as conn:
        channel = conn.channel()
        before = channel._create_client()
        channel._disconnect_pools()
        after = channel._create_client()
        assert after is not before
        assert after.connection_pool is channel.pool
        channel.close()


@pytest.mark.django_db
def test_a_request_logs_one_line_at_info(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="django_structlog"):
        assert Client().get("/").status_code == 200
    events = [r.msg["event"] for r in caplog.records if isinstance(r.msg, dict)]
    assert events == ["request_finished"]
