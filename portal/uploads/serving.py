"""Handing a stored upload to a browser: always as a download, never rendered or cached.

This module does not check access. A view that serves an upload must first fetch the owning object
through a selector that takes the user first (`claim_document_for(user, public_id)`, which returns
the participant's own documents only, or any document for staff with the review permission) and
answer 404 when the selector finds nothing; only then call `private_file_response()` with the
storage name that object holds. Never take a storage name from the request.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from portal.uploads.services import private_storage
from portal.uploads.validation import CONTENT_TYPES, sanitize_display_name

_FALLBACK_CONTENT_TYPE = "application/octet-stream"


def private_file_response(*, storage_name: str, download_name: str, content_type: str) -> FileResponse:
    """A `FileResponse` for a stored upload with headers that keep browsers from rendering it."""
    if content_type not in CONTENT_TYPES.values():
        content_type = _FALLBACK_CONTENT_TYPE
    try:
        handle = private_storage().open(storage_name, "rb")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise Http404 from exc
    # FileResponse writes `filename="..."` for ASCII names and RFC 5987 `filename*=utf-8''...` otherwise.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=sanitize_display_name(download_name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    # Set here so the site-wide policy middleware leaves it alone: nothing in the file may load or run.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
