"""A new web worker warms up before its first accept (gunicorn `post_worker_init`)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys, django
django.setup()
from django.template import engines
from portal.warmup import warm_up
warm_up()
loader = engines["django"].engine.template_loaders[0]
print("views", "participants.views.dashboard" in sys.modules)
print("weasyprint", "weasyprint" in sys.modules)
print("dashboard compiled", any("participants/dashboard.html" in key for key in loader.get_template_cache))
"""


def run(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        # Production settings use the cached template loader, the one warm_up fills.
        env={
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "w" * 60,
            "DJANGO_ALLOWED_HOSTS": "portal.test",
            "NIK_BLIND_INDEX_KEY": "i" * 40,
            "NIK_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
            "DJANGO_READ_DOT_ENV_FILE": "false",
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
    assert result.stdout.splitlines() == ["views True", "weasyprint False", "dashboard compiled True"]


def test_warm_up_with_the_database_down_logs_and_lets_the_worker_boot() -> None:
    result = run(DATABASE_URL="postgres://portal:wrong@127.0.0.1:9/portal", DB_POOL_TIMEOUT="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["views True", "weasyprint False", "dashboard compiled True"]
    assert "Warm-up could not reach the database" in result.stderr
