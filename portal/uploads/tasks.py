"""Upload tasks. Names start with `render_`, so they run on the `pdf` queue with the other renderers."""

from __future__ import annotations

from portal.celery import idempotent_task
from portal.uploads import thumbnails


@idempotent_task()
def render_upload_thumbnail(storage_name: str) -> str:
    """Render the staff preview of a stored upload; returns the thumbnail's storage name."""
    return thumbnails.render_upload_thumbnail(storage_name)
