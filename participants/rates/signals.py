"""Keep the cached holiday overrides in step with the table."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from participants.rates.models import HolidayOverride
from participants.rates.selectors import HOLIDAY_OVERRIDES_CACHE_KEY


def _forget() -> None:
    with contextlib.suppress(Exception):  # unreachable cache: the entry expires within the hour
        cache.delete(HOLIDAY_OVERRIDES_CACHE_KEY)


@receiver(post_save, sender=HolidayOverride)
@receiver(post_delete, sender=HolidayOverride)
def holiday_override_changed(**kwargs: Any) -> None:
    # Now (this transaction sees the change) and again after commit (a reader in another transaction
    # may have cached the old rows in between).
    _forget()
    transaction.on_commit(_forget)
