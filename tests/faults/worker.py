"""`python -m tests.faults.worker`: a real Celery worker (solo pool: the main process runs the task,
so SIGKILL lands mid-task) with the seams of tests/faults/seams.py, for the fault-injection tests and
bench/faults.py. Configured by the environment (DATABASE_URL, REDIS_URL, FAULT_DIR, time limits);
writes FAULT_DIR/ready<FAULT_WORKER_NAME> once it consumes."""

from __future__ import annotations

import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from celery.signals import worker_ready  # noqa: E402

from portal.celery import app  # noqa: E402
from tests.faults import seams  # noqa: E402

seams.install()


@worker_ready.connect
def _ready(**_: Any) -> None:
    name = os.environ.get("FAULT_WORKER_NAME", "")  # several workers may share one FAULT_DIR (bench)
    (seams.fault_dir() / f"ready{name}").write_text(str(os.getpid()))


if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            "default,payments,claims,pdf,notifications",
        ]
    )
