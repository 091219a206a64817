"""The connection pool after PostgreSQL dropped its connections (a restart, a failover, an admin's
`pg_terminate_backend`): the next requests get working connections, not OperationalError/503."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test import Client

from participants.models import User


def _terminate_pooled_backends() -> int:
    """End every other session on the test database, as a restart would, from a separate connection.

    Only this test database's sessions: the parallel workers' databases are left alone."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    return int(row[0])


def _fill_pool(size: int) -> None:
    # A fresh pool: connections an earlier test in this worker left checked out (a thread that never
    # closed its connection) would otherwise count against max_size and starve the refill.
    connection.close()
    connection.close_pool()
    connection.ensure_connection()  # Django opens the new pool on the first connection
    connection.close()
    pool = connection.pool
    assert pool is not None, "DATABASES must use psycopg's pool"
    held = [pool.getconn() for _ in range(size)]
    for conn in held:
        pool.putconn(conn)


@pytest.mark.django_db(transaction=True)
def test_queries_after_backends_were_terminated_all_succeed() -> None:
    _fill_pool(3)
    assert _terminate_pooled_backends() >= 3
    counts = []
    for _ in range(12):
        counts.append(User.objects.count())
        connection.close()  # what Django does at the end of each request: back to the pool
    assert counts == [0] * 12


@pytest.mark.django_db(transaction=True)
def test_requests_after_backends_were_terminated_see_a_working_database(
    client: Client, settings: Any
) -> None:
    settings.HEALTHZ_CELERY_TIMEOUT = 0.05  # no worker here; only the database check matters
    _fill_pool(3)
    assert _terminate_pooled_backends() >= 3
    statuses = [client.get("/healthz").json()["checks"]["database"] for _ in range(12)]
    assert statuses == [{"status": "up"}] * 12
