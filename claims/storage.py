"""The private storage for claim documents, resolved lazily.

A FileField evaluates a callable `storage` once, when the model class is built; pointing at
`storages["private"]` directly would pin whatever STORAGES said at import time (tests that override
STORAGES would write into the real private directory). This proxy re-resolves after STORAGES changes.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


def get_private_storage() -> Storage:
    return cast(Storage, private_storage)


def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        setattr(private_storage, "_wrapped", empty)  # noqa: B010 (LazyObject's private slot)


setting_changed.connect(_reset)
