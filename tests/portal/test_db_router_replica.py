"""Reads on a real hot standby of the test cluster (scripts/services.sh starts it, PORTAL_TEST_STANDBY_URL).

Transactional tests: the rows must be committed on the primary to reach the standby. The serial
integration group runs them (one standby; the lag test pauses its replay for everyone).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal import db_router
from tests.factories import ParticipantFactory, UserFactory

ALIAS = "replica_1"
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, databases=["default", ALIAS])]
DASHBOARD = "/peserta/"


def _standby_url() -> str:
    url = os.environ.get("PORTAL_TEST_STANDBY_URL", "")
    if not url:
        pytest.fail("PORTAL_TEST_STANDBY_URL is not set: run scripts/services.sh start test and its env")
    return url


def _standby(database: str) -> psycopg.Connection[Any]:
    parts = urlsplit(_standby_url())
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port,
        user=parts.username,
        password=parts.password,
        dbname=database,
        autocommit=True,
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup: None) -> Iterator[dict[str, Any]]:
    """`replica_1`: the standby's copy of this run's test database. Module-scoped so that it exists
    before the test case checks its `databases`; a test mirror, so no test database is made for it."""
    from django.conf import settings

    parts = urlsplit(_standby_url())
    primary = connections["default"].settings_dict
    config = {**primary, "HOST": parts.hostname, "PORT": parts.port, "TEST": {"MIRROR": "default"}}
    # A replica that does not answer must fail the test quickly, not after the 5-second pool wait.
    config["OPTIONS"] = {**primary["OPTIONS"], "pool": {**primary["OPTIONS"]["pool"], "timeout": 1.0}}
    settings.DATABASES[ALIAS] = config
    yield config
    _reset(ALIAS)
    del connections[ALIAS]
    settings.DATABASES.pop(ALIAS)


def _reset(alias: str) -> None:
    connections[alias].close()
    connections[alias].close_pool()


@pytest.fixture
def replica(_replica_alias: dict[str, Any], settings: Any) -> Iterator[dict[str, Any]]:
    """Routing to `replica_1`, its health checked on every request."""
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.REPLICA_CHECK_SECONDS = 0
    db_router.forget_health()
    port = _replica_alias["PORT"]
    yield _replica_alias
    _replica_alias["PORT"] = port
    _reset(ALIAS)
    db_router.forget_health()


def _point_at_a_closed_port(replica: dict[str, Any]) -> None:
    _reset(ALIAS)
    replica["PORT"] = _closed_port()


def _wait_for_replay() -> None:
    """Until the standby has replayed everything the primary has written so far (bounded)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (lsn,) = cursor.fetchone()
    with _standby(connections["default"].settings_dict["NAME"]) as standby:
        _until(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])


def _until(standby: psycopg.Connection[Any], query: str, params: list[str] | None = None) -> None:
    """Poll the standby until `query` answers true; replication is asynchronous (bounded: 15 s)."""
    deadline = time.monotonic() + 15
    while True:
        row = standby.execute(query, params).fetchone()
        if row and row[0]:
            return
        assert time.monotonic() < deadline, f"the standby did not satisfy {query!r} within 15 s"
        time.sleep(0.02)


@pytest.fixture
def participant_client(replica: dict[str, Any]) -> tuple[Client, Any]:
    user = UserFactory()
    participant = ParticipantFactory(user=user, kpj="22222222222", registered_on=dt.date(2015, 1, 1))
    client = Client()
    client.force_login(user)  # no request, so no read-your-writes cookie
    _wait_for_replay()
    return client, participant


def _get(client: Client, url: str = DASHBOARD) -> tuple[int, int, str]:
    """(queries on the replica, queries on the primary, body) of one GET."""
    with (
        CaptureQueriesContext(connections[ALIAS]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return len(on_replica), len(on_primary), response.content.decode()


def test_the_dashboard_reads_from_the_standby(participant_client: tuple[Client, Any]) -> None:
    client, _ = participant_client
    on_replica, _, body = _get(client)
    assert on_replica > 0
    assert "KPJ 22222222222" in body  # the rows came from the standby's copy
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)


def test_session_and_user_come_from_the_primary_and_writes_never_reach_the_standby(
    participant_client: tuple[Client, Any],
) -> None:
    client, _ = participant_client
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        client.get(DASHBOARD)
    replica_sql = " ".join(query["sql"] for query in on_replica.captured_queries)
    assert "django_session" not in replica_sql
    assert "INSERT" not in replica_sql
    assert "UPDATE" not in replica_sql
    router = db_router.ReplicaRouter()
    assert router.db_for_write(object) == "default"
    assert router.allow_migrate(ALIAS, "participants") is False


def test_a_public_rate_page_reads_from_the_standby(replica: dict[str, Any]) -> None:
    _wait_for_replay()
    on_replica, _, _ = _get(Client(), "/tarif/")
    assert on_replica > 0


def test_after_a_post_the_visitor_reads_from_the_primary_until_the_window_ends(
    participant_client: tuple[Client, Any],
) -> None:
    client, _ = participant_client
    response = client.post("/i18n/setlang/", {"language": "id", "next": DASHBOARD})
    assert response.status_code == 302
    assert db_router.COOKIE in response.cookies
    assert response.cookies[db_router.COOKIE]["max-age"] == 30
    on_replica, on_primary, body = _get(client)
    assert (on_replica, "KPJ 22222222222" in body) == (0, True)
    assert on_primary > 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=31)
    with time_machine.travel(later):
        on_replica, _, _ = _get(client)
    assert on_replica > 0


def test_a_lagging_standby_is_skipped_until_it_catches_up(
    participant_client: tuple[Client, Any], settings: Any
) -> None:
    client, _ = participant_client
    settings.REPLICA_MAX_LAG_SECONDS = 0  # any lag at all: the test does not wait for seconds of it
    assert _get(client)[0] > 0  # caught up: lag 0 is within the limit
    database = connections["default"].settings_dict["NAME"]
    with _standby(database) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            UserFactory()  # a commit the standby receives but does not replay
            _until(standby, "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()")
            on_replica, on_primary, body = _get(client)
            assert (on_replica, "KPJ 22222222222" in body) == (0, True)
            assert on_primary > 0
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    _wait_for_replay()
    assert _get(client)[0] > 0


def _get_from_primary(client: Client) -> None:
    """A GET whose page reads come from the primary (the replica cannot be watched: it is gone)."""
    with CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "KPJ 22222222222" in response.content.decode()
    assert any("participants_participant" in query["sql"] for query in on_primary.captured_queries)


def test_an_unreachable_replica_sends_reads_to_the_primary(
    participant_client: tuple[Client, Any], replica: dict[str, Any]
) -> None:
    client, _ = participant_client
    _point_at_a_closed_port(replica)
    _get_from_primary(client)
    assert db_router._health[ALIAS].usable is False


def test_a_replica_failing_mid_request_is_marked_down_and_the_page_served_from_the_primary(
    participant_client: tuple[Client, Any],
    replica: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    client, _ = participant_client
    monkeypatch.setattr(db_router, "_probe", lambda alias: True)  # the check said yes, then it went away
    settings.REPLICA_CHECK_SECONDS = 60
    _point_at_a_closed_port(replica)
    _get_from_primary(client)
    assert db_router._health[ALIAS].usable is False
