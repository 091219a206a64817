"""Warming the web app before workers accept connections (gunicorn.conf.py hooks).

Django loads lazily: views are imported, templates compiled and translation catalogues read by the
first request that needs them. A new worker's first dashboard took ~0.5 s (2 s while WeasyPrint was
still imported on the way), and gunicorn replaces workers regularly (`max_requests`), so under steady
load every restart showed up as a latency spike for the requests queued behind it.

gunicorn preloads the app: `warm_up_before_fork` runs once in the arbiter, so every worker is forked
warm, and freezes the start-up objects for the garbage collector (as the Celery worker does,
`portal/celery.py`): full collections then skip them, and the forked workers do not touch (and copy)
their pages. Nothing here may open a connection: sockets must not be shared across forks.
`open_database_pool` runs in each worker before its first accept.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.template import engines
from django.urls import get_resolver
from django.utils import translation
from psycopg_pool import PoolTimeout

from portal.celery import freeze_startup_objects

logger = logging.getLogger(__name__)


def _project_templates() -> list[str]:
    names: list[str] = []
    templates: list[dict[str, Any]] = settings.TEMPLATES
    for directory in templates[0]["DIRS"]:
        root = Path(directory)
        names += [str(path.relative_to(root)) for path in sorted(root.rglob("*.html"))]
    return names


def warm_up_before_fork() -> None:
    get_resolver().url_patterns  # noqa: B018 — imports every view module
    get_resolver()._populate()  # the reverse() tables
    engine = engines["django"]
    for name in _project_templates():
        engine.get_template(name)  # compiled once into the cached loader
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Beranda peserta")  # reads the catalogue
    freeze_startup_objects()


def open_database_pool() -> None:
    """Open this process's connection pool and return the connection at once.

    A database that is down must not stop the worker from booting: requests then get the 503 page
    (portal/middleware.py), not a dead server.
    """
    try:
        connection.ensure_connection()
    except (DatabaseError, PoolTimeout) as error:
        logger.warning("Warm-up could not reach the database: %s", error)
    finally:
        connection.close()
