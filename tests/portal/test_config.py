"""Bad configuration fails with one line naming the variable, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "s" * 60,
    "NIK_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
    "NIK_BLIND_INDEX_KEY": "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
    "DJANGO_ALLOWED_HOSTS": "portal.example.id",
    "DJANGO_READ_DOT_ENV_FILE": "false",
}


def check(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GOOD_PRODUCTION, **overrides}
    env = {k: v for k, v in env.items() if v != "<unset>"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_good_production_configuration_passes() -> None:
    result = check()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"DJANGO_SECRET_KEY": "<unset>"},
            "Configuration error: DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false",
        ),
        (
            {"DJANGO_SECRET_KEY": "short"},
            "Configuration error: DJANGO_SECRET_KEY must be at least 50 characters long",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": "<unset>"},
            "Configuration error: DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is false",
        ),
        (
            {"DJANGO_DEBUG": "maybe"},
            "Configuration error: DJANGO_DEBUG must be true or false, not 'maybe'",
        ),
        (
            {"DATABASE_URL": "mysql://u:p@localhost/db"},
            "Configuration error: DATABASE_URL must point at PostgreSQL (postgres://...)",
        ),
        (
            {"REDIS_URL": "<unset>"},
            "Configuration error: REDIS_URL is required, e.g. redis://127.0.0.1:6379/0",
        ),
        (
            {"DB_POOL_TIMEOUT": "soon"},
            "Configuration error: DB_POOL_TIMEOUT must be a number",
        ),
        (
            {"DJANGO_LOG_FORMAT": "xml"},
            "Configuration error: DJANGO_LOG_FORMAT must be console or json",
        ),
    ],
)
def test_bad_configuration_is_one_clear_line(overrides: dict[str, str], message: str) -> None:
    result = check(**overrides)
    assert result.returncode == 1
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr


def test_gunicorn_refuses_more_threads_than_the_connection_budget() -> None:
    env = {
        **os.environ,
        **GOOD_PRODUCTION,
        "WEB_CONCURRENCY": "4",
        "WEB_THREADS": "8",
        "DB_CONNECTION_BUDGET": "20",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "gunicorn.conf.py",
            "portal.wsgi",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert (
        "Configuration error: WEB_CONCURRENCY (4) x WEB_THREADS (8) exceeds DB_CONNECTION_BUDGET (20)"
        in result.stderr
    )


def test_unconfigured_checkout_uses_the_local_development_services() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_DEBUG", "REDIS_URL", "PORTAL_PG_PORT", "PORTAL_REDIS_PORT"}
    }
    code = (
        "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['PORT'], s.REDIS_URL)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True", "55432", "redis://127.0.0.1:56379/0"]


def test_configured_environment_is_never_replaced_by_development_defaults() -> None:
    result = check(DATABASE_URL="<unset>")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Configuration error: DATABASE_URL is required")
