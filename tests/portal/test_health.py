import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client

from portal.models import Heartbeat


@pytest.mark.integration
def test_healthz_is_200_with_database_redis_and_a_worker(client: Client, celery_worker: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "up"}
    assert body["checks"]["redis"] == {"status": "up"}
    assert body["checks"]["celery"] == {"status": "up", "workers": 1}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_is_503_when_no_worker_answers(client: Client, settings: Any) -> None:
    settings.HEALTHZ_CELERY_TIMEOUT = 0.3
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"status": "up"}
    assert body["checks"]["redis"] == {"status": "up"}
    assert body["checks"]["celery"] == {"status": "no_worker", "workers": 0}


@pytest.mark.django_db
def test_healthz_names_redis_when_it_is_down(client: Client, settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == {"status": "down"}
    assert checks["celery"] == {"status": "unreachable", "workers": 0}
    assert checks["database"] == {"status": "up"}


@pytest.mark.django_db
def test_healthz_reports_the_last_beat(client: Client) -> None:
    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    Heartbeat.objects.create(key="beat", seen_at=dt.datetime(2026, 11, 22, 8, 0, tzinfo=jakarta))
    body = client.get("/healthz").json()
    assert body["beat_last_seen"] == "2026-11-22T01:00:00+00:00"
