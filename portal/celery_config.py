"""Celery's configuration: the `CELERY_*` Django settings, copied once when Celery first needs them.

Pointing Celery at `django.conf:settings` directly makes every configuration read (about 20 per task
published) try up to three names on Django's settings object, and a name that is not set raises and
catches AttributeError each time: a fifth of the CPU of `.delay()` (profiled, bench/README.md).
Settings do not change while a process runs, so a dict copy answers the same. The one consequence:
overriding a `CELERY_*` setting in a test (`settings` fixture, `override_settings`) does not reach
Celery; change `app.conf` there instead.
"""

from __future__ import annotations

from django.conf import settings

CONFIG = {name: getattr(settings, name) for name in dir(settings) if name.startswith("CELERY_")}
