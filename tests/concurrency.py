"""Doing a thing concurrently in tests: every call starts at the same instant, each on its own thread
and database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once (one thread each, released together by a barrier).

    Returns each call's result, or the exception it raised, in the calls' order. Each thread closes
    its connection when done, so its pooled connection goes back to the pool.
    """
    results: list[Any] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def failures(results: list[Any]) -> list[Exception]:
    return [r for r in results if isinstance(r, Exception)]
