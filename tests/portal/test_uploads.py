"""The upload pipeline: what is accepted, how it is rewritten, and that refusals store nothing."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.uploads.services import upload_store
from portal.uploads.validation import (
    MAX_PIXELS,
    UploadRejected,
    inspect_upload,
    sanitize_display_name,
)
from tests.portal import test_uploads_corpus as corpus

SIX_MB = 6 * 1024 * 1024


@pytest.fixture
def private_dir(settings: Any, tmp_path: Path) -> Path:
    """A fresh private storage on disk; Django resets its cached backends when STORAGES changes."""
    location = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    storages._storages = {}
    return location


def stored_files(location: Path) -> list[Path]:
    return sorted(path for path in location.rglob("*") if path.is_file()) if location.exists() else []


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_bytes(location: Path, name: str) -> bytes:
    return (location / name).read_bytes()


# --- Accepted files -------------------------------------------------------------------------------


def test_jpeg_is_stored_rotated_without_exif_gps_or_comment(private_dir: Path) -> None:
    original = corpus.jpeg_with_gps(size=(64, 32), orientation=6)

    stored = upload_store(uploaded_file=upload("ktp.jpg", original))

    assert stored.kind == "jpeg"
    assert stored.content_type == "image/jpeg"
    assert stored.name.startswith("uploads/")
    assert stored.name.endswith(".jpg")
    assert "ktp" not in stored.name
    data = stored_bytes(private_dir, stored.name)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        # Orientation 6 (rotate 90 degrees) was applied to the pixels before the metadata was dropped.
        assert image.size == (32, 64)
        assert (stored.width, stored.height) == (32, 64)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert "comment" not in image.info
        assert "icc_profile" not in image.info
    assert b"TestPhone" not in data
    assert b"secret camera note" not in data
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.original_sha256 == hashlib.sha256(original).hexdigest()
    assert stored.original_size == len(original)
    assert stored_files(private_dir) == [private_dir / stored.name]


def test_png_stays_png_without_text_chunks(private_dir: Path) -> None:
    stored = upload_store(uploaded_file=upload("layar.png", corpus.png(), "image/png"))

    assert (stored.kind, stored.content_type, stored.width, stored.height) == ("png", "image/png", 40, 30)
    assert stored.name.endswith(".png")
    data = stored_bytes(private_dir, stored.name)
    assert b"<script" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        assert image.text == {}


def test_large_photo_is_scaled_to_the_maximum_edge(private_dir: Path) -> None:
    stored = upload_store(uploaded_file=upload("kk.jpg", corpus.jpeg(size=(3000, 1000))))

    assert (stored.width, stored.height) == (2000, 667)


def test_pdf_is_stored_with_its_pages(private_dir: Path) -> None:
    stored = upload_store(uploaded_file=upload("paklaring.pdf", corpus.pdf(pages=2), "application/pdf"))

    assert (stored.kind, stored.content_type, stored.pages) == ("pdf", "application/pdf", 2)
    assert stored.name.endswith(".pdf")
    with pikepdf.open(private_dir / stored.name) as document:
        assert len(document.pages) == 2


def test_pdf_actions_links_and_embedded_files_are_removed(private_dir: Path) -> None:
    stored = upload_store(uploaded_file=upload("slip.pdf", corpus.pdf(extras=True), "application/pdf"))

    data = stored_bytes(private_dir, stored.name)
    for marker in (b"/OpenAction", b"/AA", b"/URI", b"/EmbeddedFiles", b"/FileAttachment", b"MZ embedded"):
        assert marker not in data
    with pikepdf.open(io.BytesIO(data)) as document:
        annotations = document.pages[0].obj.Annots
        assert [str(annotation.Subtype) for annotation in annotations] == ["/Link"]
        assert "/A" not in annotations[0]


def test_same_file_twice_is_recognised_by_its_digests(private_dir: Path) -> None:
    original = corpus.jpeg_with_gps()

    first = upload_store(uploaded_file=upload("ktp.jpg", original))
    second = upload_store(uploaded_file=upload("ktp (1).jpg", original))
    other = upload_store(uploaded_file=upload("kk.jpg", corpus.jpeg()))

    assert first.name != second.name
    assert (first.sha256, first.original_sha256) == (second.sha256, second.original_sha256)
    assert stored_bytes(private_dir, first.name) == stored_bytes(private_dir, second.name)
    assert other.original_sha256 != first.original_sha256
    assert other.sha256 != first.sha256


def test_path_separators_in_the_name_never_reach_storage(private_dir: Path) -> None:
    stored = upload_store(uploaded_file=upload("../../etc/passwd.jpg", corpus.jpeg()))

    assert stored.display_name == "passwd.jpg"
    assert ".." not in stored.name
    assert "passwd" not in stored.name
    assert stored_files(private_dir) == [private_dir / stored.name]
    assert not (private_dir.parent / "etc").exists()


def test_download_name_gets_the_real_extension(private_dir: Path) -> None:
    stored = upload_store(uploaded_file=upload("scan.pdf", corpus.jpeg(), "application/pdf"))

    assert (stored.kind, stored.display_name, stored.download_name) == ("jpeg", "scan.pdf", "scan.jpg")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("ktp\x00\x1f\u202e.jpg", "ktp.jpg"),
        ('a"b;c<d>.pdf', "a_b_c_d_.pdf"),
        ("  .hidden  file .png", "hidden file .png"),
        ("", "dokumen"),
        ("../", "dokumen"),
        ("x" * 300 + ".jpeg", "x" * 95 + ".jpeg"),
        ("Surat Keterangan Berhenti \u2013 PT Maju.pdf", "Surat Keterangan Berhenti \u2013 PT Maju.pdf"),
    ],
)
def test_display_names_are_sanitised(raw: str, expected: str) -> None:
    assert sanitize_display_name(raw) == expected


# --- Refused files: a clear message, and nothing written -----------------------------------------

REFUSED = [
    pytest.param("gambar.svg", corpus.SVG, "unsupported_type", id="svg"),
    pytest.param("halaman.html", corpus.HTML, "unsupported_type", id="html"),
    pytest.param("html-first.jpg", corpus.HTML + corpus.jpeg(), "unsupported_type", id="html-then-jpeg"),
    pytest.param("arsip.zip", corpus.zip_archive(), "unsupported_type", id="zip"),
    pytest.param("kosong.jpg", b"", "empty", id="empty"),
    pytest.param(
        "catatan.jpg", b"Ini hanya teks biasa, bukan foto KTP.\n" * 20, "unsupported_type", id="text-as-jpg"
    ),
    pytest.param(
        "bom.png", corpus.png_header_claiming(20_000, 20_000), "image_too_many_pixels", id="20000x20000"
    ),
    pytest.param(
        "bom2.png", corpus.compressible_png((8000, 6000)), "image_too_many_pixels", id="48mp-real-png"
    ),
    pytest.param("rusak.jpg", corpus.jpeg(size=(200, 200))[:600], "image_corrupt", id="truncated-jpeg"),
    pytest.param("rusak.pdf", b"%PDF-1.7\n" + b"garbage " * 50, "pdf_corrupt", id="unparseable-pdf"),
    pytest.param("js.pdf", corpus.pdf(javascript=True), "pdf_active_content", id="pdf-openaction-js"),
    pytest.param("js2.pdf", corpus.pdf(names_javascript=True), "pdf_active_content", id="pdf-names-js"),
    pytest.param("panjang.pdf", corpus.pdf(pages=31), "pdf_too_many_pages", id="pdf-31-pages"),
    pytest.param(
        "e-statement.pdf",
        corpus.encrypted_pdf(user_password="01011990"),
        "pdf_encrypted",
        id="pdf-user-password",
    ),
    pytest.param(
        "terkunci.pdf", corpus.encrypted_pdf(user_password=""), "pdf_encrypted", id="pdf-owner-password"
    ),
    pytest.param("besar.jpg", b"\xff\xd8\xff\xe0" + os.urandom(SIX_MB), "too_large", id="over-6mb"),
]


@pytest.mark.parametrize(("name", "data", "code"), REFUSED)
def test_refused_with_a_message_and_nothing_stored(
    private_dir: Path, name: str, data: bytes, code: str
) -> None:
    with pytest.raises(UploadRejected) as refusal:
        upload_store(uploaded_file=upload(name, data))

    assert refusal.value.code == code
    assert refusal.value.message
    assert stored_files(private_dir) == []


def test_refusal_messages_are_indonesian(private_dir: Path) -> None:
    with pytest.raises(UploadRejected) as refusal:
        upload_store(uploaded_file=upload("a.svg", corpus.SVG))
    assert refusal.value.message == "Format berkas tidak didukung. Unggah JPEG, PNG, atau PDF."

    with pytest.raises(UploadRejected) as too_large:
        upload_store(uploaded_file=upload("a.jpg", b"\xff\xd8\xff" + b"\0" * SIX_MB))
    assert too_large.value.message.startswith("Ukuran berkas melebihi 6 MB.")


def test_exactly_six_megabytes_is_not_too_large() -> None:
    with pytest.raises(UploadRejected) as refusal:
        inspect_upload(io.BytesIO(b"\xff\xd8\xff" + b"\0" * (SIX_MB - 3)), max_bytes=SIX_MB)
    # Refused for what it is (a broken JPEG), not for its size.
    assert refusal.value.code == "image_corrupt"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(corpus.jpeg() + corpus.HTML, id="html-after-eoi"),
        pytest.param(corpus.jpeg(comment=corpus.HTML), id="html-in-comment"),
    ],
)
def test_polyglot_jpeg_html_is_stored_without_the_html(private_dir: Path, data: bytes) -> None:
    assert b"<script" in data

    stored = upload_store(uploaded_file=upload("foto.jpg", data))

    stored_data = stored_bytes(private_dir, stored.name)
    assert b"<script" not in stored_data
    assert b"<html" not in stored_data
    assert stored_data.endswith(b"\xff\xd9")


def test_pixel_cap_is_checked_before_decoding(settings: Any) -> None:
    settings.UPLOAD_MAX_DECODED_BYTES = 10**9  # the memory bound has its own tests (test_uploads_memory)
    assert MAX_PIXELS == 40_000_000
    # 6,400 x 6,250 is exactly 40 MP: accepted by the inspection (the header alone is read first).
    data = corpus.compressible_png((6400, 6250))
    assert inspect_upload(io.BytesIO(data), max_bytes=SIX_MB).width == 6400
    with pytest.raises(UploadRejected) as refusal:
        inspect_upload(io.BytesIO(corpus.compressible_png((6400, 6251))), max_bytes=SIX_MB)
    assert refusal.value.code == "image_too_many_pixels"
