"""A replaced claim document leaves nothing behind in the private storage, and only once the
replacement has committed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import transaction

from claims.models import ClaimDocument
from claims.services import ClaimError, claim_attach_document, claim_start_draft, claim_submit
from portal.uploads.pdf_pages import page_count_cache_key, page_image_name, pdf_page_image, pdf_preview
from portal.uploads.thumbnails import render_upload_thumbnail, thumbnail_name_for
from tests.claims.factories import pdf, ready_draft, resigned_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def stored_with_derivatives(document: ClaimDocument) -> list[str]:
    """The document's file plus the page image and thumbnail a review page makes of it."""
    name = document.file.name or ""
    assert pdf_preview(name).pages == 1  # also caches the page count
    return [name, pdf_page_image(name, 1), render_upload_thumbnail(name)]


def existing(names: list[str]) -> list[str]:
    return [name for name in names if storages["private"].exists(name)]


def test_replacing_a_document_deletes_the_old_file_and_what_was_made_of_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = resigned_person()
    draft = claim_start_draft(user=person.user, reason="resign")
    old = claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())
    old_names = stored_with_derivatives(old)
    assert old_names[1:] == [page_image_name(old_names[0], 1), thumbnail_name_for(old_names[0])]
    assert existing(old_names) == old_names

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new = claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())

    assert len(callbacks) == 1
    assert existing(old_names) == []
    assert cache.get(page_count_cache_key(old_names[0])) is None
    assert existing([new.file.name or ""]) == [new.file.name]
    assert list(draft.documents.values_list("pk", flat=True)) == [new.pk]


def test_the_first_upload_of_a_kind_deletes_nothing(django_capture_on_commit_callbacks: Any) -> None:
    person = resigned_person()
    draft = claim_start_draft(user=person.user, reason="resign")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())
    assert callbacks == []


def test_a_replacement_that_rolls_back_keeps_the_old_file(django_capture_on_commit_callbacks: Any) -> None:
    person = resigned_person()
    draft = claim_start_draft(user=person.user, reason="resign")
    old = claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())
    old_names = stored_with_derivatives(old)

    def replace_then_fail() -> None:
        with transaction.atomic():
            claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())
            raise RuntimeError("the surrounding transaction fails")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        replace_then_fail()

    assert callbacks == []
    assert existing(old_names) == old_names
    assert list(draft.documents.values_list("pk", flat=True)) == [old.pk]


def test_a_refused_replacement_keeps_the_old_file(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claims import tasks

    monkeypatch.setattr(tasks.verify_claim, "delay_on_commit", lambda *args: None)
    person = resigned_person()
    draft = ready_draft(person)
    submitted = claim_submit(user=person.user, claim_id=draft.public_id)
    old = submitted.documents.get(doc_type="ktp")
    old_names = [old.file.name or ""]

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ClaimError) as refused:
        claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())

    assert refused.value.code == "not_editable"
    assert callbacks == []
    assert existing(old_names) == old_names
    assert list(submitted.documents.filter(doc_type="ktp").values_list("pk", flat=True)) == [old.pk]


def test_a_storage_failure_while_deleting_is_logged_not_raised(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    person = resigned_person()
    draft = claim_start_draft(user=person.user, reason="resign")
    old = claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())
    storage = storages["private"]

    def unavailable(name: str) -> None:
        raise OSError("storage unavailable")

    monkeypatch.setattr(storage, "delete", unavailable)
    with django_capture_on_commit_callbacks(execute=True):
        new = claim_attach_document(user=person.user, claim_id=draft.public_id, doc_type="ktp", file=pdf())

    assert list(draft.documents.values_list("pk", flat=True)) == [new.pk]  # the replacement stands
    assert storage.exists(old.file.name or "")
    assert "upload.delete_failed" in caplog.text
