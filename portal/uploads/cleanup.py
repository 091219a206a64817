"""Removing stored uploads, with everything derived from them, once they are no longer referenced.

A replaced claim document is only a deleted row to the database; its file (a KTP or bank-book scan)
and the thumbnail and page images made from it would otherwise stay in the private storage for good,
out of anyone's reach but still personal data kept without a purpose.
"""

from __future__ import annotations

from collections.abc import Iterable

import structlog
from django.core.cache import cache
from django.db import transaction

from portal.uploads.pdf_pages import PREVIEW_PAGES, page_count_cache_key, page_image_name
from portal.uploads.services import private_storage
from portal.uploads.thumbnails import thumbnail_name_for

log = structlog.get_logger(__name__)


def stored_upload_delete(name: str) -> None:
    """Delete a stored upload, its thumbnail and its PDF page images (the ones that exist)."""
    storage = private_storage()
    derived = [
        thumbnail_name_for(name),
        *(page_image_name(name, page) for page in range(1, PREVIEW_PAGES + 1)),
    ]
    for candidate in (name, *derived):
        storage.delete(candidate)  # a name that does not exist is not an error (file system and S3)
    cache.delete(page_count_cache_key(name))


def stored_uploads_delete_on_commit(names: Iterable[str]) -> None:
    """Delete the uploads once the current transaction commits: if it rolls back, the rows that
    name them are back and so must the files be. A failure is logged, not raised: the change that
    released the files has committed and its response must not turn into an error."""
    pending = [name for name in names if name]

    def delete() -> None:
        for name in pending:
            try:
                stored_upload_delete(name)
            except Exception:
                log.exception("upload.delete_failed", storage_name=name)

    if pending:
        transaction.on_commit(delete)
