"""The web app is warmed in gunicorn's arbiter before forking; each worker then opens its pool."""

import os
import subprocess
import sys
from pathlib import Path

from tests.portal.settings_loader import GOOD_PRODUCTION

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import gc, sys, django
django.setup()
from django.db import connection
from django.template import engines
from portal.warmup import open_database_pool, warm_up_before_fork
warm_up_before_fork()
loader = engines["django"].engine.template_loaders[0]
print("views", "participants.views.dashboard" in sys.modules)
print("weasyprint", "weasyprint" in sys.modules)
print("dashboard compiled", any("participants/dashboard.html" in key for key in loader.get_template_cache))
print("frozen", gc.get_freeze_count() > 100_000)
print("connection before fork", connection.connection is not None)
open_database_pool()
"""
EXPECTED = [
    "views True",
    "weasyprint False",
    "dashboard compiled True",
    "frozen True",
    "connection before fork False",
]


def run(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        # Production settings use the cached template loader, the one warm_up fills.
        env={
            **os.environ,
            **GOOD_PRODUCTION,
            "DJANGO_LOG_FORMAT": "console",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_warm_up_imports_the_views_and_compiles_the_templates_without_weasyprint() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == EXPECTED
    assert "Warm-up could not reach the database" not in result.stderr


def test_a_worker_booting_with_the_database_down_logs_and_boots() -> None:
    result = run(DATABASE_URL="postgres://portal:wrong@127.0.0.1:9/portal", DB_POOL_TIMEOUT="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == EXPECTED
    assert "Warm-up could not reach the database" in result.stderr
