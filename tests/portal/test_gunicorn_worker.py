"""Load shedding in the gunicorn worker: a request that waited too long for a thread gets 503.

The worker runs with gunicorn's real parser, response writer and thread pool over a real socket
pair; only its clock is replaced, so "waited 2.5 s" needs no waiting. The last tests start real
gunicorn with `gunicorn.conf.py`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPResponse
from pathlib import Path
from typing import Any

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger
from gunicorn.workers.gthread import TConn

from portal.gunicorn_worker import (
    QueueWaitConfigError,
    SheddingThreadWorker,
    max_queue_wait_from_env,
)

ROOT = Path(__file__).resolve().parents[2]
REQUEST = b"GET /peserta/ HTTP/1.1\r\nHost: portal.test\r\n\r\n"


class Clock:
    """Returns the given instants in order: one when a request is queued, one when it is taken."""

    def __init__(self, *instants: float) -> None:
        self.instants = list(instants)

    def __call__(self) -> float:
        return self.instants.pop(0)


class App:
    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        self.paths.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
        return iter([b"hello"])


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> SheddingThreadWorker:
    monkeypatch.delenv("WEB_MAX_QUEUE_WAIT", raising=False)
    return make_worker()


def make_worker() -> SheddingThreadWorker:
    cfg = Config()
    cfg.set("threads", 1)
    cfg.set("keepalive", 5)
    worker = SheddingThreadWorker(0, os.getpid(), [], None, 30, cfg, Logger(cfg))
    worker.wsgi = App()
    worker.method_queue.init()
    return worker


def serve(worker: SheddingThreadWorker, conn: TConn) -> None:
    """Queue the connection as gthread's main loop does and let the pool's thread handle it."""
    worker.tpool = ThreadPoolExecutor(max_workers=1)
    worker.enqueue_req(conn)
    worker.tpool.shutdown(wait=True)


def connection(worker: SheddingThreadWorker) -> tuple[TConn, socket.socket]:
    server_side, client_side = socket.socketpair()
    return TConn(worker.cfg, server_side, ("192.0.2.10", 40000), ("127.0.0.1", 8000)), client_side


def response(client: socket.socket) -> HTTPResponse:
    answer = HTTPResponse(client)
    answer.begin()
    return answer


def test_a_request_that_waited_too_long_gets_the_overload_page_without_running_the_app(
    worker: SheddingThreadWorker,
) -> None:
    worker.clock = Clock(100.0, 102.5)
    conn, client = connection(worker)
    client.sendall(REQUEST)

    serve(worker, conn)
    answer = response(client)

    assert answer.status == 503
    assert answer.getheader("Retry-After") == "10"
    assert answer.getheader("Connection") == "close"
    assert answer.getheader("Cache-Control") == "no-store"
    assert answer.getheader("Content-Security-Policy") == "default-src 'none'"
    body = answer.read().decode()
    assert "<h1>Layanan sedang sibuk</h1>" in body
    assert "The service is busy." in body
    assert int(answer.getheader("Content-Length") or 0) == len(body.encode())
    assert worker.wsgi.paths == []
    assert worker.shed_count == 1


def test_a_request_within_the_wait_limit_is_served(worker: SheddingThreadWorker) -> None:
    worker.clock = Clock(100.0, 101.9)
    conn, client = connection(worker)
    client.sendall(REQUEST)

    serve(worker, conn)
    answer = response(client)

    assert answer.status == 200
    assert answer.read() == b"hello"
    assert worker.wsgi.paths == ["/peserta/"]
    assert worker.shed_count == 0


def test_a_kept_alive_connection_is_timed_from_its_next_request(worker: SheddingThreadWorker) -> None:
    # First request queued at 0 and served at 0.1; the next one on the same connection arrives at
    # 50 and is taken at 50.5: it waited half a second, not fifty.
    worker.clock = Clock(0.0, 0.1, 50.0, 50.5)
    conn, client = connection(worker)
    client.sendall(REQUEST)
    serve(worker, conn)
    assert response(client).read() == b"hello"

    client.sendall(REQUEST)
    serve(worker, conn)
    answer = response(client)

    assert answer.status == 200
    assert worker.wsgi.paths == ["/peserta/", "/peserta/"]


def test_zero_turns_shedding_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_MAX_QUEUE_WAIT", "0")
    worker = make_worker()
    worker.clock = Clock(0.0, 100.0)
    conn, client = connection(worker)
    client.sendall(REQUEST)

    serve(worker, conn)

    assert response(client).status == 200
    assert worker.wsgi.paths == ["/peserta/"]


@pytest.mark.parametrize(("raw", "seconds"), [("", 2.0), ("2", 2.0), ("0.5", 0.5), ("0", 0.0), ("60", 60.0)])
def test_max_queue_wait_from_the_environment(raw: str, seconds: float) -> None:
    assert max_queue_wait_from_env({"WEB_MAX_QUEUE_WAIT": raw}) == seconds


@pytest.mark.parametrize("raw", ["soon", "-1", "61", "nan", "inf"])
def test_a_bad_max_queue_wait_is_refused(raw: str) -> None:
    with pytest.raises(QueueWaitConfigError) as error:
        max_queue_wait_from_env({"WEB_MAX_QUEUE_WAIT": raw})
    assert str(error.value) == (
        f"WEB_MAX_QUEUE_WAIT must be a number of seconds from 0 (off) to 60, not {raw!r}"
    )


def test_gunicorn_refuses_a_bad_max_queue_wait_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "gunicorn.conf.py", "portal.wsgi"],
        cwd=ROOT,
        env={**os.environ, "WEB_MAX_QUEUE_WAIT": "soon"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Configuration error: WEB_MAX_QUEUE_WAIT must be a number of seconds from 0 (off) to 60, not 'soon'"
    )
    assert "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_real_gunicorn_serves_through_the_shedding_worker() -> None:
    port = free_port()
    env = {
        **os.environ,
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "2",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--log-level",
            "debug",
            "tests.portal.test_gunicorn_worker:hello_app",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        log = []
        assert server.stderr is not None
        for line in server.stderr:  # the arbiter logs the worker class, then the worker boots
            log.append(line)
            if "Booting worker" in line:
                break
        assert any("Using worker: portal.gunicorn_worker.SheddingThreadWorker" in line for line in log), log
        client = socket.create_connection(("127.0.0.1", port), timeout=30)
        client.sendall(REQUEST)
        answer = response(client)
        assert (answer.status, answer.read()) == (200, b"hello from gunicorn")
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def hello_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello from gunicorn"]
