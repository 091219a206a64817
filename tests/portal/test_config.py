"""Bad configuration fails with one line naming the variable, never a traceback.

The settings module and gunicorn.conf.py run in this process (tests/portal/settings_loader.py); one
test starts `manage.py check` in a fresh interpreter to see the line and the exit status for real.
"""

import os
import subprocess
import sys

import pytest

import manage
from portal.config import ConfigError
from tests.portal.settings_loader import (
    ROOT,
    UNSET,
    load_settings,
    production_environment,
    run_gunicorn_config,
)


def test_good_production_configuration_loads() -> None:
    settings = load_settings(production_environment())
    assert settings.DEBUG is False
    assert settings.ALLOWED_HOSTS == ["portal.example.id"]
    assert settings.PAYMENT_GATEWAY == "midtrans"
    assert settings.LOG_FORMAT == "json"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"DJANGO_SECRET_KEY": UNSET},
            "Configuration error: DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false",
        ),
        (
            {"DJANGO_SECRET_KEY": "short"},
            "Configuration error: DJANGO_SECRET_KEY must be at least 50 characters long",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": UNSET},
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
            {"REDIS_URL": UNSET},
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
    with pytest.raises(ConfigError) as error:
        load_settings(production_environment(**overrides))
    # A SystemExit: the interpreter prints exactly this line and exits with status 1.
    assert str(error.value) == message
    assert error.value.code == message


def test_manage_py_prints_a_bad_configuration_in_one_line_and_exits_1() -> None:
    # The smoke test of the path above: a fresh interpreter, as an operator runs it.
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_environment(DJANGO_SECRET_KEY=UNSET),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false"
    )
    assert "Traceback" not in result.stderr


def test_gunicorn_refuses_more_threads_than_the_connection_budget() -> None:
    environment = production_environment(WEB_CONCURRENCY="4", WEB_THREADS="8", DB_CONNECTION_BUDGET="20")
    with pytest.raises(SystemExit) as error:
        run_gunicorn_config(environment)
    assert error.value.code == (
        "Configuration error: WEB_CONCURRENCY (4) x WEB_THREADS (8) exceeds DB_CONNECTION_BUDGET (20)"
    )


def test_unconfigured_checkout_uses_the_local_development_services() -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DJANGO_DEBUG", "REDIS_URL", "PORTAL_PG_PORT", "PORTAL_REDIS_PORT"}
    }
    with pytest.MonkeyPatch.context() as patch:
        for name in os.environ.keys() - environment.keys():
            patch.delenv(name)
        manage.use_local_development_services()  # what manage.py does before Django reads settings
        settings = load_settings(dict(os.environ))
    assert (settings.DEBUG, settings.DATABASES["default"]["PORT"], settings.REDIS_URL) == (
        True,
        55432,
        "redis://127.0.0.1:56379/0",
    )


def test_configured_environment_is_never_replaced_by_development_defaults() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DATABASE_URL")
        for name, value in production_environment().items():
            patch.setenv(name, value)
        manage.use_local_development_services()
        assert "DATABASE_URL" not in os.environ
        with pytest.raises(ConfigError) as error:
            load_settings(dict(os.environ))
    assert str(error.value).startswith("Configuration error: DATABASE_URL is required")
