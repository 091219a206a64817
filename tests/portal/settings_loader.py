"""Run portal/settings.py or gunicorn.conf.py in this process under a given environment.

A fresh interpreter per configuration case cost about three seconds of start-up each; executing the
file as a module of its own gives the same values and the same `ConfigError` (a `SystemExit` whose
message the interpreter prints as the one line an operator sees, checked once end to end in
test_config.py). The running Django keeps its own settings: the file becomes a new module object that
nothing else imports.
"""

from __future__ import annotations

import importlib.util
import os
import runpy
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import structlog

ROOT = Path(__file__).resolve().parents[2]
GOOD_PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "s" * 60,
    "NIK_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
    "NIK_BLIND_INDEX_KEY": "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
    "DJANGO_ALLOWED_HOSTS": "portal.example.id",
    "DJANGO_READ_DOT_ENV_FILE": "false",
}
UNSET = "<unset>"


def production_environment(**overrides: str) -> dict[str, str]:
    """This process's environment with the good production values and `overrides` (UNSET removes)."""
    merged = {**os.environ, **GOOD_PRODUCTION, **overrides}
    return {name: value for name, value in merged.items() if value != UNSET}


def load_settings(environment: dict[str, str]) -> ModuleType:
    """portal/settings.py executed afresh with exactly `environment` as os.environ.

    os.environ is changed in place (django-environ holds a reference to it) and restored afterwards,
    as is structlog's global configuration, which the settings module sets.
    """
    spec = importlib.util.spec_from_file_location("settings_under_test", ROOT / "portal" / "settings.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    structlog_config = structlog.get_config()
    try:
        with mock.patch.dict(os.environ, environment, clear=True):
            spec.loader.exec_module(module)
    finally:
        structlog.configure(**structlog_config)
    return module


def run_gunicorn_config(environment: dict[str, str]) -> dict[str, Any]:
    """gunicorn.conf.py's globals after running it with exactly `environment` as os.environ."""
    with mock.patch.dict(os.environ, environment, clear=True):
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
