"""Shared fixtures: personas, the real Celery worker, and Debian's Chromium for Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client

from tests.parallel import use_own_redis_databases

use_own_redis_databases()  # before anything below can reach Redis

from tests.factories import StaffFactory, UserFactory  # noqa: E402

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files() -> None:
    """Pages render hashed asset names from the manifest; build it once if `make test` did not."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    if not staticfiles_storage.exists("staticfiles.json"):
        call_command("collectstatic", interactive=False, verbosity=0)


def _uses_database(request: pytest.FixtureRequest) -> bool:
    names = set(request.fixturenames)
    return request.node.get_closest_marker("django_db") is not None or bool(
        names & {"db", "transactional_db", "live_server"}
    )


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Rows the data migrations load (rate tables, claim figures, staff groups) for every database test.

    A transactional test (live server, threads) ends by flushing every table, data-migration rows
    included, and pytest does not always run those tests last; reload what is missing before each test.
    """
    if not _uses_database(request):
        return
    request.getfixturevalue("_django_db_helper")  # database access as the test itself asked for it
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    from participants.models import Rate

    def load(module: str) -> None:
        importlib.import_module(module).load(apps, None)

    if not Rate.objects.filter(program="JHT").exists():
        load("participants.migrations.0002_rates_and_development")
    if not Rate.objects.filter(program="KLAIM", component="second_approval_threshold").exists():
        load("claims.migrations.0002_second_approval_threshold")
    if not Rate.objects.filter(segment="JAKON").exists():
        load("contributions.migrations.0002_pmi_jakon_rates")
    if not Group.objects.filter(name="reviewer").exists():
        load("backoffice.migrations.0003_staff_groups")


@pytest.fixture(autouse=True)
def _no_cached_holiday_overrides() -> None:
    """A test's rows roll back but a cache entry would outlive them: start every test without it."""
    from django.core.cache import cache

    from participants.rates.selectors import HOLIDAY_OVERRIDES_CACHE_KEY

    with contextlib.suppress(Exception):  # tests that take Redis away do not need it
        cache.delete(HOLIDAY_OVERRIDES_CACHE_KEY)


@pytest.fixture(autouse=True)
def _locale_indonesian(settings: Any) -> None:
    settings.LANGUAGE_CODE = "id"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is the production hasher; in tests hashing speed does not matter for what we assert.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield client
    client.close()


# --- Personas ------------------------------------------------------------------------------------


@pytest.fixture
def owner(db: None) -> Any:
    return UserFactory()


@pytest.fixture
def other_participant(db: None) -> Any:
    return UserFactory()


@pytest.fixture
def staff_user(db: None) -> Any:
    return StaffFactory()


@pytest.fixture
def owner_client(owner: Any) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def htmx_client() -> Client:
    return Client(headers={"HX-Request": "true"})


# --- Celery: a real worker thread against the real Redis and PostgreSQL --------------------------


@pytest.fixture
def celery_worker(transactional_db: None, redis_client: redis.Redis) -> Iterator[Any]:
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    redis_client.flushdb()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


# --- Browser: Debian's Chromium (a downloaded browser is impossible here) -------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, but serving static files through WhiteNoise like production.

    Django's test static handler looks files up with the finders, which do not know the hashed
    names the manifest storage puts in the pages.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda app: app  # type: ignore[assignment]
    server.start()
    yield server
    server.stop()
