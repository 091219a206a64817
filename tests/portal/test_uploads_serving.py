"""Serving stored uploads, the request body limit, the form field and the staff thumbnails."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import path, reverse
from PIL import Image

from portal.celery import app
from portal.uploads.forms import UploadField
from portal.uploads.middleware import limit_request_body
from portal.uploads.services import PreparedUpload, StoredUpload, save_prepared_upload, upload_store
from portal.uploads.serving import private_file_response
from portal.uploads.tasks import render_upload_thumbnail
from portal.uploads.thumbnails import thumbnail_name_for
from tests.portal import test_uploads_corpus as corpus
from tests.portal.test_uploads import private_dir, stored_files

__all__ = ["private_dir"]  # the fixture, shared with test_uploads.py


def _store(name: str, data: bytes) -> StoredUpload:
    return upload_store(uploaded_file=SimpleUploadedFile(name, data))


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- private_file_response ------------------------------------------------------------------------


def test_response_is_a_download_that_is_never_rendered_or_cached(private_dir: Path) -> None:
    stored = _store("ktp.jpg", corpus.jpeg())

    response = private_file_response(
        storage_name=stored.name, download_name=stored.download_name, content_type=stored.content_type
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="ktp.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert _body(response) == (private_dir / stored.name).read_bytes()


def test_download_names_are_header_safe(private_dir: Path) -> None:
    stored = _store("x.jpg", corpus.jpeg())

    quoted = private_file_response(
        storage_name=stored.name, download_name='a"b\r\nSet-Cookie: x=1.jpg', content_type="image/jpeg"
    )
    unicode = private_file_response(
        storage_name=stored.name, download_name="Buku Tabungan \u2013 Bank.jpg", content_type="image/jpeg"
    )

    assert quoted["Content-Disposition"] == 'attachment; filename="a_bSet-Cookie_ x=1.jpg"'
    assert "Set-Cookie" not in {key for key, _ in quoted.items()}
    assert unicode["Content-Disposition"] == (
        "attachment; filename*=utf-8''Buku%20Tabungan%20%E2%80%93%20Bank.jpg"
    )


def test_unknown_content_type_is_served_as_octet_stream(private_dir: Path) -> None:
    stored = _store("x.jpg", corpus.jpeg())

    response = private_file_response(
        storage_name=stored.name, download_name="x.html", content_type="text/html"
    )

    assert response["Content-Type"] == "application/octet-stream"


def test_missing_file_is_404(private_dir: Path) -> None:
    with pytest.raises(Http404):
        private_file_response(
            storage_name="uploads/2026/11/none.jpg", download_name="x.jpg", content_type="image/jpeg"
        )


# The middleware stack must not replace the headers (CSP middleware, security middleware).
_SERVED: dict[str, StoredUpload] = {}


def _download_view(request: HttpRequest, token: str) -> HttpResponseBase:
    stored = _SERVED.get(token)
    if stored is None:
        raise Http404
    return private_file_response(
        storage_name=stored.name, download_name=stored.download_name, content_type=stored.content_type
    )


urlpatterns = [path("unduh/<str:token>/", _download_view)]


@pytest.mark.urls(__name__)
def test_headers_survive_the_middleware_stack(private_dir: Path, client: Client) -> None:
    _SERVED["t1"] = _store("kk.pdf", corpus.pdf())

    response = client.get("/unduh/t1/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kk.pdf"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response).startswith(b"%PDF-")


# --- Request body limit ---------------------------------------------------------------------------


def test_fifty_megabyte_body_is_refused_early_and_nothing_is_stored(
    private_dir: Path, client: Client
) -> None:
    boundary = "batas"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="ktp"; filename="ktp.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + b"\xff\xd8\xff"
        + b"\0" * (50 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client.generic(
        "POST", reverse("account_login"), data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 413
    assert response["Cache-Control"] == "no-store"
    assert "Berkas terlalu besar" in response.content.decode()
    assert stored_files(private_dir) == []


def test_view_decorator_applies_a_stricter_limit() -> None:
    view = limit_request_body(1000)(lambda request: HttpResponse("ok"))
    factory = RequestFactory()

    assert (
        view(factory.post("/", data=b"x" * 1000, content_type="application/octet-stream")).status_code == 200
    )
    assert (
        view(factory.post("/", data=b"x" * 1001, content_type="application/octet-stream")).status_code == 413
    )


# --- UploadField ----------------------------------------------------------------------------------


class _DocumentForm(forms.Form):
    ktp = UploadField()
    npwp = UploadField(required=False)


def test_field_accepts_and_prepares_without_writing(private_dir: Path) -> None:
    form = _DocumentForm(data={}, files={"ktp": SimpleUploadedFile("ktp.jpg", corpus.jpeg_with_gps())})

    assert form.is_valid(), form.errors
    prepared = form.cleaned_data["ktp"]
    assert isinstance(prepared, PreparedUpload)
    assert form.cleaned_data["npwp"] is None
    assert stored_files(private_dir) == []
    stored = save_prepared_upload(prepared)
    assert stored_files(private_dir) == [private_dir / stored.name]
    assert 'accept="image/jpeg,image/png,application/pdf"' in str(form["ktp"])


def test_field_refusal_is_a_form_error_in_indonesian(private_dir: Path) -> None:
    form = _DocumentForm(data={}, files={"ktp": SimpleUploadedFile("ktp.jpg", corpus.HTML)})

    assert not form.is_valid()
    assert form.errors["ktp"] == ["Format berkas tidak didukung. Unggah JPEG, PNG, atau PDF."]
    assert form.errors.as_data()["ktp"][0].code == "unsupported_type"
    assert stored_files(private_dir) == []


# --- Thumbnails -----------------------------------------------------------------------------------


def test_task_is_registered_and_routed_to_the_pdf_queue() -> None:
    assert render_upload_thumbnail.name == "portal.uploads.tasks.render_upload_thumbnail"
    assert render_upload_thumbnail.name in app.tasks
    assert app.amqp.router.route({}, render_upload_thumbnail.name)["queue"].name == "pdf"
    assert render_upload_thumbnail.acks_late is True


@pytest.mark.parametrize(
    ("name", "data", "size"),
    [
        pytest.param("foto.jpg", corpus.jpeg(size=(1600, 1200)), (320, 240), id="jpeg"),
        pytest.param("layar.png", corpus.png(size=(400, 800)), (160, 320), id="png-with-alpha"),
        pytest.param("surat.pdf", corpus.pdf(pages=3), (240, 320), id="pdf-icon"),
    ],
)
def test_thumbnail_is_a_small_jpeg_next_to_the_upload(
    private_dir: Path, name: str, data: bytes, size: tuple[int, int]
) -> None:
    stored = _store(name, data)

    result = render_upload_thumbnail.apply(args=[stored.name]).get()

    assert result == thumbnail_name_for(stored.name)
    assert result.endswith(".thumb.jpg")
    with Image.open(io.BytesIO((private_dir / result).read_bytes())) as image:
        assert (image.format, image.size) == ("JPEG", size)


def test_thumbnail_rendering_is_idempotent(private_dir: Path) -> None:
    stored = _store("foto.jpg", corpus.jpeg(size=(800, 600)))

    first = render_upload_thumbnail.apply(args=[stored.name]).get()
    second = render_upload_thumbnail.apply(args=[stored.name]).get()

    assert first == second
    assert len(stored_files(private_dir)) == 2


@pytest.mark.integration
def test_thumbnail_task_runs_on_a_real_worker(private_dir: Path, celery_worker: Any) -> None:
    stored = _store("foto.jpg", corpus.jpeg(size=(640, 480)))
    thumbnail = private_dir / thumbnail_name_for(stored.name)

    render_upload_thumbnail.delay(stored.name)  # no result backend: wait for the file instead

    deadline = time.monotonic() + 30
    while not thumbnail.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert thumbnail.exists(), "the worker did not render the thumbnail"
