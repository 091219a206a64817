"""Changing the rate table: a new figure closes the one it replaces, in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from participants.rates.models import Confidence, Rate


def rate_schedule(
    *,
    program: str,
    segment: str,
    component: str,
    unit: str,
    value: Decimal,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    source: str,
    confidence: str = Confidence.FIRM,
) -> Rate:
    """Add a figure from `effective_from`; the open-ended row of the same name that covers that day is
    closed the day before. Raises IntegrityError (nothing changed) when the new row would still overlap
    another one (the exclusion constraint), e.g. a row with an end date that covers `effective_from`."""
    with transaction.atomic():
        rate_close_predecessor(
            program=program, segment=segment, component=component, effective_from=effective_from
        )
        return Rate.objects.create(
            program=program,
            segment=segment,
            component=component,
            unit=unit,
            value=value,
            effective_from=effective_from,
            effective_to=effective_to,
            source=source,
            confidence=confidence,
        )


def rate_close_predecessor(*, program: str, segment: str, component: str, effective_from: dt.date) -> None:
    """End the open-ended row of this name that started before `effective_from` the day before it.
    Call inside a transaction, before saving the new row."""
    predecessor = (
        Rate.objects.select_for_update()
        .filter(
            program=program,
            segment=segment,
            component=component,
            effective_from__lt=effective_from,
            effective_to__isnull=True,
        )
        .first()
    )
    if predecessor is not None:
        predecessor.effective_to = effective_from - dt.timedelta(days=1)
        predecessor.save(update_fields=["effective_to"])
