"""When PostgreSQL or Redis is down or saturated, pages answer 503 + Retry-After, never 500."""

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from psycopg_pool import PoolTimeout
from redis.exceptions import ConnectionError as RedisConnectionError

from portal.middleware import ServiceUnavailableMiddleware, is_unavailability
from portal.views import errors

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "exc",
    [OperationalError("down"), PoolTimeout("no connection"), RedisConnectionError("down")],
)
def test_middleware_turns_unavailability_into_503(exc: Exception) -> None:
    request = RequestFactory().get("/")
    response = ServiceUnavailableMiddleware(lambda r: HttpResponse()).process_exception(request, exc)
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Layanan sedang sibuk" in response.content.decode()


def test_other_errors_are_left_to_the_500_handler() -> None:
    assert not is_unavailability(ValueError("bug"))
    request = RequestFactory().get("/")
    assert (
        ServiceUnavailableMiddleware(lambda r: HttpResponse()).process_exception(request, KeyError()) is None
    )


def test_server_error_handler_answers_503_for_a_pool_timeout_raised_outside_views() -> None:
    request = RequestFactory().get("/")
    try:
        raise PoolTimeout("couldn't get a connection after 5.00 sec")
    except PoolTimeout:
        response = errors.server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_server_error_handler_answers_500_for_bugs() -> None:
    request = RequestFactory().get("/")
    try:
        raise ZeroDivisionError
    except ZeroDivisionError:
        response = errors.server_error(request)
    assert response.status_code == 500
    assert "Maaf, terjadi kesalahan" in response.content.decode()


@functools.cache
def _pages_with_database_down() -> tuple[list[str], str]:
    """One fresh interpreter whose database is unreachable (what a process sees when PostgreSQL is
    down) asks for a page and for /healthz; both tests below read its answers."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 60,
        "NIK_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
        "NIK_BLIND_INDEX_KEY": "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # Nothing listens on port 9: every connection attempt is refused.
        "DATABASE_URL": "postgres://portal:wrong@127.0.0.1:9/portal",
        "DB_POOL_TIMEOUT": "1",
        "HEALTHZ_CELERY_TIMEOUT": "0.2",
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "c.cookies[settings.SESSION_COOKIE_NAME] = 'x' * 32\n"
        "r = c.get('/akun/login/', secure=True)\n"
        "print(r.status_code, r.get('Retry-After'))\n"
        "print('Layanan sedang sibuk' in r.content.decode())\n"
        "print('--- healthz')\n"
        "r = Client().get('/healthz', secure=True)\n"
        "print(r.status_code); print(r.content.decode())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    page, healthz = result.stdout.split("--- healthz\n")
    return page.split(), healthz


def test_page_needing_the_database_answers_503_when_postgresql_is_down() -> None:
    page, _ = _pages_with_database_down()
    assert page == ["503", "30", "True"]


def test_healthz_names_the_database_when_it_is_down() -> None:
    _, healthz = _pages_with_database_down()
    status, body = healthz.split("\n", 1)
    assert status == "503"
    assert json.loads(body)["checks"]["database"] == {"status": "down"}


def test_healthz_is_not_reachable_by_other_methods(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
