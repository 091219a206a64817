"""Fault-injection fixtures: a Redis server of their own that tests stop and start, and a real Celery
worker process (tests/faults/worker.py) that tests SIGKILL. The rest of the suite never sees either:
the test process points its broker and cache at this Redis only for the duration of a test.

The worker uses the test's database (transactional tests: the rows are committed, the worker sees
them) and short limits, so that a killed worker's message is handed out again within seconds:
visibility timeout = countdown 2 s + hard limit 10 s + margin 1 s (portal/settings.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WORKER_ENV = {
    "CELERY_TASK_TIME_LIMIT": "10",
    "CELERY_TASK_SOFT_TIME_LIMIT": "8",
    "TASKS_LONGEST_COUNTDOWN": "2",
    "TASKS_REDELIVERY_MARGIN": "1",
    "EFFECTS_STALE_MARGIN": "1",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def wait_until(check: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Poll `check` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """A throwaway redis-server without persistence: stopping it loses whatever it held."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=15, what="redis-server to answer")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


class Worker:
    """`python -m tests.faults.worker` against the test database and the fault Redis."""

    def __init__(
        self, fault_dir: Path, redis_url: str, database_url: str, name: str = "", **env: str
    ) -> None:
        self.fault_dir = fault_dir
        self.name = name
        self.env = {
            **os.environ,
            **WORKER_ENV,
            **env,
            "FAULT_WORKER_NAME": name,
            "FAULT_DIR": str(fault_dir),
            "REDIS_URL": redis_url,
            "DATABASE_URL": database_url,
            "PYTEST_XDIST_WORKER": "",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = fault_dir / f"worker{name}.log"
        self.log_start = 0

    def start(self, *, wait: bool = True) -> None:
        (self.fault_dir / f"ready{self.name}").unlink(missing_ok=True)
        self.log_start = len(self.log.read_text(errors="replace")) if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.worker"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait:
            wait_until(self._ready, timeout=90, what="the Celery worker to start")

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"the worker exited: {self.log.read_text()[-3000:]}")
        return (self.fault_dir / f"ready{self.name}").exists()

    def failed_reconnections(self) -> int:
        """How often this worker process logged a failed attempt to reach the broker."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[self.log_start :].count("Cannot connect to redis")

    def kill(self) -> None:
        """SIGKILL the worker's main process (with the solo pool it is the one running the task)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None

    def arm(self, point: str) -> None:
        (self.fault_dir / f"paused-{point}").unlink(missing_ok=True)
        (self.fault_dir / f"arm-{point}").write_text("")

    def wait_paused(self, point: str, timeout: float = 60) -> None:
        wait_until(
            lambda: (self.fault_dir / f"paused-{point}").exists(), timeout=timeout, what=f"pause {point}"
        )


def _use_broker(app: Any, url: str) -> None:
    """Point the test process's Celery app at another broker. Its producer pool was built for the
    suite's Redis; Celery has no public way to rebuild it, so this does what Celery itself does in a
    forked child (`_after_fork`: forget the pools, rebuilt from the configuration on next use)."""
    if app.conf.broker_url != url:
        app.conf.broker_url = url
        app._after_fork()  # not force_close_all: kombu shares pools per URL, the next test reuses them


LOGS = ROOT / ".local" / "test" / "faults"  # kept after the run: the worker's log says what it did


def _fresh(name: str) -> Path:
    directory = LOGS / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


@pytest.fixture(scope="module")
def fault_redis() -> Iterator[RedisServer]:
    server = RedisServer(_fresh("redis"))
    server.start()
    yield server
    server.stop()


def _database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + str(connection.settings_dict["NAME"])))


@pytest.fixture(scope="module")
def fault_worker(django_db_setup: None, fault_redis: RedisServer) -> Iterator[Worker]:
    """One worker for the module (a start costs seconds); tests that kill it start it again."""
    worker = Worker(_fresh("worker"), fault_redis.url(), _database_url())
    yield worker
    worker.stop()


@pytest.fixture
def faults(
    transactional_db: None, fault_redis: RedisServer, fault_worker: Worker, settings: Any
) -> Iterator[tuple[RedisServer, Worker]]:
    """The test process sends to the fault Redis (broker and cache); a worker consumes from it."""
    from portal.celery import app

    if fault_redis.process is None:
        fault_redis.start()  # a test that failed with Redis stopped
    redis.Redis.from_url(fault_redis.url()).flushall()
    broker_before = app.conf.broker_url
    settings.CELERY_BROKER_URL = settings.REDIS_URL = fault_redis.url()
    settings.CACHES = {
        alias: {**config, "LOCATION": fault_redis.url(1)} for alias, config in settings.CACHES.items()
    }
    _use_broker(app, fault_redis.url())
    if fault_worker.process is None:
        fault_worker.start()
    try:
        yield fault_redis, fault_worker
    finally:
        _use_broker(app, broker_before)
