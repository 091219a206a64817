"""Warm a fresh web worker before it accepts connections (gunicorn's `post_worker_init`).

Django loads lazily: views are imported, templates compiled and translation catalogues read by the
first request that needs them. A new worker's first dashboard took ~0.5 s (2 s while WeasyPrint was
still imported on the way), and gunicorn replaces each worker every ~2,000 requests
(`max_requests`), so under steady load every restart showed up as a latency spike for the requests
queued behind it. Doing that work here moves it before the worker's first accept.
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

logger = logging.getLogger(__name__)


def _project_templates() -> list[str]:
    names: list[str] = []
    templates: list[dict[str, Any]] = settings.TEMPLATES
    for directory in templates[0]["DIRS"]:
        root = Path(directory)
        names += [str(path.relative_to(root)) for path in sorted(root.rglob("*.html"))]
    return names


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 — imports every view module
    get_resolver()._populate()  # the reverse() tables
    engine = engines["django"]
    for name in _project_templates():
        engine.get_template(name)  # compiled once into the cached loader
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Beranda peserta")  # reads the catalogue
    # Opens the pool and returns the connection at once. A database that is down must not stop the
    # worker from booting: requests then get the 503 page (portal/middleware.py), not a dead server.
    try:
        connection.ensure_connection()
    except (DatabaseError, PoolTimeout) as error:
        logger.warning("Warm-up could not reach the database: %s", error)
    finally:
        connection.close()
