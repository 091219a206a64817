"""Validating, rewriting and storing an upload in the private storage.

The owning model (e.g. a claim document) belongs to the app that uses uploads; it keeps the fields
of `StoredUpload`. Two steps, so that a form can refuse a file before anything is written and the
app's service writes it inside its own transaction:

    prepared = prepare_upload(uploaded_file=form.cleaned_data["ktp"])   # or `UploadField`
    stored = save_prepared_upload(prepared)
    transaction.on_commit(lambda: render_upload_thumbnail.delay(stored.name))

`upload_store()` does both. Duplicates: `original_sha256` is the SHA-256 of the bytes the participant
sent and `sha256` that of the stored (rewritten) bytes; rewriting is deterministic, so the same file
uploaded twice gives the same pair of digests (but a new random storage name) and the owning app can
recognise it with a lookup on either digest, scoped to the owner.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import IO, Any

import structlog
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

from portal.uploads.limits import count_upload, decode_slot
from portal.uploads.sanitize import SanitizedFile, sanitize
from portal.uploads.validation import (
    DEFAULT_MAX_BYTES,
    UploadRejected,
    download_name,
    inspect_bytes,
    read_limited,
    sanitize_display_name,
)

log = structlog.get_logger(__name__)

STORAGE_ALIAS = "private"
STORAGE_PREFIX = "uploads"


def private_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_FILE_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True, slots=True)
class PreparedUpload:
    """An accepted, rewritten upload that has not been written anywhere yet."""

    file: SanitizedFile
    original_sha256: str
    original_size: int
    display_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.file.data).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredUpload:
    name: str  # random storage name, e.g. "uploads/2026/11/<32 hex>.jpg"; never shown to anyone
    kind: str  # "jpeg", "png" or "pdf"
    content_type: str
    size: int  # of the stored bytes
    sha256: str  # of the stored bytes
    original_sha256: str  # of the bytes as uploaded
    original_size: int
    display_name: str  # the participant's file name, sanitised, for display only
    download_name: str  # display name with the stored file's real extension
    width: int | None = None
    height: int | None = None
    pages: int | None = None


def prepare_upload(*, uploaded_file: IO[bytes] | Any, max_bytes: int | None = None) -> PreparedUpload:
    """Validate and rewrite an uploaded file; raises `UploadRejected`. Writes nothing.

    Counts against the requester's upload rate first ("rate_limited"), then decodes in one of the
    process's decode slots ("busy" when none frees in time), see `portal.uploads.limits`.
    """
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    try:
        count_upload()
        data = read_limited(uploaded_file, max_bytes=limit)
        with decode_slot():
            sniff = inspect_bytes(data)
            clean = sanitize(data, sniff)
    except UploadRejected as exc:
        log.info("upload.rejected", code=exc.code, size=getattr(uploaded_file, "size", None))
        raise
    return PreparedUpload(
        file=clean,
        original_sha256=hashlib.sha256(data).hexdigest(),
        original_size=len(data),
        display_name=sanitize_display_name(getattr(uploaded_file, "name", None)),
    )


def new_storage_name(extension: str) -> str:
    today = timezone.localdate()
    return f"{STORAGE_PREFIX}/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def save_prepared_upload(prepared: PreparedUpload) -> StoredUpload:
    clean = prepared.file
    name = private_storage().save(new_storage_name(clean.extension), ContentFile(clean.data))
    stored = StoredUpload(
        name=name,
        kind=clean.kind,
        content_type=clean.content_type,
        size=len(clean.data),
        sha256=prepared.sha256,
        original_sha256=prepared.original_sha256,
        original_size=prepared.original_size,
        display_name=prepared.display_name,
        download_name=download_name(prepared.display_name, clean.kind),
        width=clean.width,
        height=clean.height,
        pages=clean.pages,
    )
    log.info("upload.stored", name=stored.name, kind=stored.kind, size=stored.size)
    return stored


def upload_store(*, uploaded_file: IO[bytes] | Any, max_bytes: int | None = None) -> StoredUpload:
    """Validate, rewrite and save an upload to the private storage.

    Raises `UploadRejected(code, message)` with nothing written when the file is not accepted.
    """
    return save_prepared_upload(prepare_upload(uploaded_file=uploaded_file, max_bytes=max_bytes))
