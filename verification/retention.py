"""Retention of the verification images (UU PDP 27/2022: kept no longer than the purpose needs).

A decision (approval, rejection) sets `images_delete_after` to the decision time plus
VERIFICATION_IMAGE_RETENTION_DAYS; an undecided request keeps them at most
VERIFICATION_OPEN_RETENTION_DAYS after it was made. The sweep deletes the images past that date; a
withdrawal of consent deletes them at once (verification.services).
"""

from __future__ import annotations

import structlog
from django.db import transaction
from django.utils import timezone

from verification.models import VerificationRequest
from verification.services import images_release

log = structlog.get_logger(__name__)

BATCH = 200


def verification_images_sweep(*, limit: int = BATCH) -> int:
    """Delete the images of up to `limit` requests past their retention date; returns how many requests.
    Safe to run twice and concurrently (rows are locked and skipped when another sweep holds them)."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            VerificationRequest.objects.select_for_update(skip_locked=True)
            .filter(images_deleted_at__isnull=True, images_delete_after__lte=now)
            .order_by("images_delete_after")[:limit]
        )
        for request in due:
            fields = images_release(request, now=now)
            request.save(update_fields=[*fields, "updated_at"])
    if due:
        log.info("verification.images_swept", count=len(due))
    return len(due)
