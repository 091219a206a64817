"""WhiteNoise in the tests, walking the collected static files once per process instead of once per client.

A server builds its middleware once. Django's test `Client` builds its own chain on its first request,
so nearly every test constructed a `WhiteNoiseMiddleware`, which stats and indexes every collected file
(about 1,200 with the compressed variants: 70-200 ms of CPU each time, minutes over the suite). The
collected files do not change while the tests run, so the index built for one set of settings is
reused; serving, headers and lookups are WhiteNoise's own.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware

PRODUCTION_CLASS = "whitenoise.middleware.WhiteNoiseMiddleware"
TEST_CLASS = "tests.static_files.IndexOnceWhiteNoiseMiddleware"


class IndexOnceWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    _indexes: ClassVar[dict[tuple[Any, ...], dict[str, Any]]] = {}

    def update_files_dictionary(self, root: str, prefix: str) -> None:
        # Everything the index depends on: where the files are and how WhiteNoise is configured.
        config = tuple(
            (name, repr(getattr(settings, name)))
            for name in sorted(dir(settings))
            if name.startswith(("WHITENOISE_", "STATIC"))
        )
        key = (root, prefix, config)
        if key not in self._indexes:
            before = dict(self.files)
            super().update_files_dictionary(root, prefix)
            self._indexes[key] = {
                url: found for url, found in self.files.items() if before.get(url) is not found
            }
        self.files.update(self._indexes[key])


def index_static_files_once() -> None:
    """Swap WhiteNoise's middleware for the subclass above in the tests' MIDDLEWARE."""
    if PRODUCTION_CLASS not in settings.MIDDLEWARE:
        raise RuntimeError(f"{PRODUCTION_CLASS} is no longer in MIDDLEWARE: update tests/static_files.py")
    settings.MIDDLEWARE = [TEST_CLASS if name == PRODUCTION_CLASS else name for name in settings.MIDDLEWARE]
