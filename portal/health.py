"""Readiness checks for `/healthz`: PostgreSQL, Redis and a Celery worker ping.

Each check answers `(ok, detail)`. Details are coarse on purpose: a public endpoint must not echo
connection strings or error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis
import structlog
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app
from portal.models import Heartbeat

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: dict[str, Any]


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.warning("healthz.database_down", exc_info=True)
        return Check(False, {"status": "down"})
    return Check(True, {"status": "up"})


def check_redis() -> Check:
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except redis.RedisError:
        log.warning("healthz.redis_down", exc_info=True)
        return Check(False, {"status": "down"})
    return Check(True, {"status": "up"})


def check_celery(*, redis_ok: bool) -> Check:
    if not redis_ok:
        return Check(False, {"status": "unreachable", "workers": 0})
    try:
        replies = celery_app.control.ping(timeout=settings.HEALTHZ_CELERY_TIMEOUT)
    except Exception:
        log.warning("healthz.celery_ping_failed", exc_info=True)
        replies = []
    workers = len(replies or [])
    return Check(workers > 0, {"status": "up" if workers else "no_worker", "workers": workers})


def last_heartbeat(*, database_ok: bool) -> str | None:
    if not database_ok:
        return None
    beat = Heartbeat.objects.filter(key="beat").only("seen_at").first()
    return beat.seen_at.isoformat() if beat else None


def run_checks() -> tuple[bool, dict[str, Any]]:
    database = check_database()
    redis_check = check_redis()
    celery = check_celery(redis_ok=redis_check.ok)
    healthy = database.ok and redis_check.ok and celery.ok
    return healthy, {
        "status": "ok" if healthy else "fail",
        "checks": {
            "database": database.detail,
            "redis": redis_check.detail,
            "celery": celery.detail,
        },
        "beat_last_seen": last_heartbeat(database_ok=database.ok),
    }
