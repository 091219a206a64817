"""Load shedding in HAProxy (haproxy/haproxy.cfg): a request that waited too long for a gunicorn thread
gets 503 + Retry-After without reaching gunicorn.

The last test runs the real pair: gunicorn with gunicorn.conf.py (one worker, one thread) behind
HAProxy with the project's configuration. The app holds its thread on a named pipe until the test
releases it, so "the thread is busy" needs no sleeping; the only wait is HAProxy's queue limit (1 s).
"""

from __future__ import annotations

import http.client
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "haproxy" / "haproxy.cfg"


def haproxy() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if found is None:
        pytest.fail("haproxy is not installed (scripts/services.sh start test installs Debian's haproxy)")
    return found


def check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [haproxy(), "-c", "-f", str(CONFIG)],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_configuration_is_valid_with_its_defaults() -> None:
    result = check({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Configuration file is valid"


def test_a_queue_wait_that_is_not_whole_seconds_is_refused_naming_the_setting() -> None:
    result = check({"WEB_MAX_QUEUE_WAIT": "0.5"})
    assert result.returncode != 0
    assert "unexpected character '.' in 'timeout queue'" in result.stderr


class _Raw(io.BytesIO):
    def makefile(self, *args: Any, **kwargs: Any) -> io.BytesIO:
        return self


def test_the_busy_page_is_a_complete_503_with_retry_after() -> None:
    answer = http.client.HTTPResponse(_Raw((ROOT / "haproxy" / "busy.http").read_bytes()))
    answer.begin()
    body = answer.read()
    assert answer.status == 503
    assert answer.getheader("Retry-After") == "10"
    assert answer.getheader("Cache-Control") == "no-store"
    assert answer.getheader("Content-Security-Policy") == "default-src 'none'"
    assert int(answer.getheader("Content-Length") or 0) == len(body)
    assert "<h1>Layanan sedang sibuk</h1>" in body.decode()
    assert "The service is busy." in body.decode()


# --- The real pair -----------------------------------------------------------------------------


def hold_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """`/hold` keeps its thread until the test writes to the HOLD pipe; every path is logged."""
    path = environ["PATH_INFO"]
    with open(os.environ["TEST_APP_LOG"], "a") as log:
        log.write(f"{path} {environ.get('HTTP_X_FORWARDED_FOR', '-')}\n")
    if path == "/hold":
        with open(os.environ["TEST_ARRIVED_FIFO"], "w") as arrived:  # the test is reading: "I'm in"
            arrived.write("in")
        with open(os.environ["TEST_HOLD_FIFO"]) as hold:  # blocks until the test releases it
            hold.read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"served {path}".encode()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn (gunicorn.conf.py, 1 worker x 1 thread) behind HAProxy (maxconn 1, queue limit 1 s)."""
    web_port, proxy_port = free_port(), free_port()
    for name in ("arrived", "hold"):
        os.mkfifo(tmp_path / name)
    env = {
        **os.environ,
        "WEB_BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "1",
        "PYTHONPATH": str(ROOT),
        "TEST_APP_LOG": str(tmp_path / "paths.log"),
        "TEST_ARRIVED_FIFO": str(tmp_path / "arrived"),
        "TEST_HOLD_FIFO": str(tmp_path / "hold"),
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tests.portal.test_haproxy:hold_app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    pidfile = tmp_path / "haproxy.pid"
    try:
        assert web.stderr is not None
        boot_log = []
        for line in web.stderr:  # the arbiter names the worker class, then the worker boots
            boot_log.append(line)
            if "Booting worker" in line:
                break
        assert any("Using worker: gthread" in line for line in boot_log), boot_log
        # -D returns once HAProxy has bound its port and gone to the background.
        subprocess.run(
            [haproxy(), "-D", "-p", str(pidfile), "-f", str(CONFIG)],
            env={
                **env,
                "PROXY_BIND": f"127.0.0.1:{proxy_port}",
                "WEB_MAXCONN": "1",
                "WEB_MAX_QUEUE_WAIT": "1",
            },
            check=True,
            timeout=30,
        )
        yield proxy_port, tmp_path
    finally:
        if pidfile.exists():
            os.kill(int(pidfile.read_text().split()[0]), signal.SIGTERM)
        web.terminate()
        web.wait(timeout=30)


def test_a_request_that_waited_too_long_for_a_thread_gets_503_without_reaching_gunicorn(
    proxied: tuple[int, Path],
) -> None:
    port, tmp = proxied
    held: dict[str, Any] = {}
    holder = threading.Thread(target=lambda: held.update(answer=get(port, "/hold")))
    holder.start()
    try:
        assert (tmp / "arrived").read_text() == "in"  # gunicorn's only thread is now busy

        started = time.monotonic()
        status, headers, body = get(port, "/quick")
        waited = time.monotonic() - started

        assert status == 503
        assert headers["retry-after"] == "10"
        assert headers["cache-control"] == "no-store"
        assert int(headers["content-length"]) == len(body)
        assert "<h1>Layanan sedang sibuk</h1>" in body.decode()
        assert 1.0 <= waited < 5.0  # answered at the queue limit, not after the busy request
    finally:
        (tmp / "hold").write_text("go")
        holder.join(timeout=30)
    assert held["answer"][0] == 200
    assert held["answer"][2] == b"served /hold"

    # Free again: served, with the client's address in X-Forwarded-For.
    assert get(port, "/quick")[::2] == (200, b"served /quick")
    # The shed request never reached gunicorn.
    assert (tmp / "paths.log").read_text().splitlines() == ["/hold 127.0.0.1", "/quick 127.0.0.1"]
