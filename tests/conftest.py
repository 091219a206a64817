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
from tests.static_files import index_static_files_once

use_own_redis_databases()  # before anything below can reach Redis
index_static_files_once()

from tests.database import ensure_template, reset_after_transactional_test  # noqa: E402
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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings: None, django_db_blocker: Any) -> None:
    """Test databases are copies of a template migrated once per migration state (tests/database.py)."""
    with django_db_blocker.unblock():
        settings.DATABASES["default"]["TEST"]["TEMPLATE"] = ensure_template()


@pytest.fixture(scope="session", autouse=True)
def _transactional_tests_reset_what_they_changed() -> Iterator[None]:
    """A transactional test ends by emptying the tables it filled and restoring the reference rows it
    changed, instead of Django's flush of every table (tests/database.py)."""
    from django.db import connections
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def reset(test_case: TransactionTestCase) -> None:
        if test_case.available_apps is not None or test_case.serialized_rollback:
            flush(test_case)  # Django's own semantics for those options
            return
        for alias in test_case._databases_names(include_mirrors=False):
            reset_after_transactional_test(connections[alias])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", reset)
        yield


@pytest.fixture(autouse=True)
def _no_cached_holiday_overrides() -> None:
    """A test's rows roll back but a cache entry would outlive them: start every test without it."""
    from django.core.cache import cache

    from participants.rates.selectors import HOLIDAY_OVERRIDES_CACHE_KEY

    with contextlib.suppress(Exception):  # tests that take Redis away do not need it
        cache.delete(HOLIDAY_OVERRIDES_CACHE_KEY)


@pytest.fixture(autouse=True)
def _upload_rate_apart_from_other_runs(settings: Any) -> None:
    """Upload attempts count per user id in Redis for 10 minutes, and every run's users get the same
    ids again: a generous limit keeps runs in a row from adding up. The rate's own tests set theirs."""
    settings.UPLOAD_RATE_LIMIT = 10_000


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
