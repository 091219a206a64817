"""Form support: a file field that accepts only what the upload pipeline accepts.

`UploadField.clean()` returns a `PreparedUpload` (validated and rewritten, not yet written), so an
invalid form never leaves files behind; the app's service then calls `save_prepared_upload()`.
`clean_upload()` is the same check for code that handles a file outside a form field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from portal.uploads.services import PreparedUpload, max_upload_bytes, prepare_upload
from portal.uploads.validation import CONTENT_TYPES, UploadRejected

# A hint for the browser's file picker only (iOS then converts HEIC photos to JPEG); never trusted.
ACCEPT = ",".join(CONTENT_TYPES.values())


def clean_upload(file: UploadedFile, *, max_bytes: int | None = None) -> PreparedUpload:
    """The validated, rewritten upload, or a `ValidationError` with the Indonesian message."""
    try:
        return prepare_upload(uploaded_file=file, max_bytes=max_bytes)
    except UploadRejected as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


class UploadField(forms.FileField):
    """A `FileField` whose cleaned value is a `PreparedUpload` (or `None` when optional and empty)."""

    def __init__(self, *, max_bytes: int | None = None, **kwargs: Any) -> None:
        self.max_bytes = max_bytes
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if not file or not isinstance(file, UploadedFile):
            return file
        limit = max_upload_bytes() if self.max_bytes is None else self.max_bytes
        return clean_upload(file, max_bytes=limit)
