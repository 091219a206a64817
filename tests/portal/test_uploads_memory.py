"""Uploads are bounded by memory, not only by pixels: decoded size after mode conversion, inflated PDF
streams, decodes per process, and attempts per user. Every refusal stores nothing."""

from __future__ import annotations

import base64
import io
import threading
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from PIL import Image

from claims.models import ClaimDocument, ClaimStatus
from portal.uploads import services
from portal.uploads.limits import decode_slot, upload_actor
from portal.uploads.pdf_streams import _lzw, decoded_stream_bytes
from portal.uploads.services import upload_store
from portal.uploads.validation import UploadRejected, decoded_bytes
from tests.claims.factories import claim_in
from tests.portal import test_uploads_corpus as corpus
from tests.portal.test_uploads import private_dir, stored_files, upload

__all__ = ["private_dir"]  # the fixture, shared with test_uploads

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> None:
    cache.clear()  # the counts of earlier runs' users (same ids) would otherwise still be there


def _bilevel_png(size: tuple[int, int] = (6300, 6300)) -> bytes:
    out = io.BytesIO()
    Image.new("1", size, 1).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pdf_with_stream(raw: bytes, filters: list[str]) -> bytes:
    """A valid one-page PDF whose content stream is `raw`, declared as encoded with `filters`."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    stream = pikepdf.Stream(pdf, b"")
    stream.write(raw, filter=[pikepdf.Name(f) for f in filters] if filters else None)
    pdf.pages[0].obj["/Contents"] = pdf.make_indirect(stream)
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False)
    return out.getvalue()


def _flate_bomb(megabytes: int) -> bytes:
    compressor = zlib.compressobj(1)  # 0.9 MB for 200 MB of spaces, 4x faster to make than level 9
    block = b" " * MB
    raw = b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()
    return _pdf_with_stream(raw, ["/FlateDecode"])


# --- Images: refused by decoded size, read from the header ---------------------------------------------


def test_bilevel_png_that_is_huge_as_rgb_is_refused_and_nothing_stored(private_dir: Path) -> None:
    data = _bilevel_png()
    assert len(data) < 16 * 1024  # a few KB on disk; 39.7 MP, under the pixel cap
    with pytest.raises(UploadRejected) as refusal:
        upload_store(uploaded_file=upload("bom.png", data, "image/png"))
    assert refusal.value.code == "image_too_large"
    assert refusal.value.message == (
        "Gambar terlalu besar untuk diproses (resolusi dan kedalaman warnanya). "
        "Perkecil resolusi gambar atau simpan sebagai JPEG, lalu unggah kembali."
    )
    assert stored_files(private_dir) == []


def test_refusal_happens_before_any_pixel_is_decoded(private_dir: Path) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(UploadRejected):
            upload_store(uploaded_file=upload("bom.png", _bilevel_png(), "image/png"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB  # decoding alone would be 40 MB, the RGB copy 159 MB


@pytest.mark.parametrize(
    ("mode", "size", "kind", "expected"),
    [
        # 1-bit: one byte a pixel decoded, four for the RGB copy
        ("1", (6300, 6300), "png", 6300 * 6300 * (1 + 4)),
        ("RGB", (4000, 3000), "png", 4000 * 3000 * 4),  # stays RGB: no copy
        ("P", (4000, 3000), "png", 4000 * 3000 * (1 + 4)),
        ("L", (4000, 3000), "png", 4000 * 3000),
        # a 12 MP JPEG is decoded at half scale (2000 x 1500), already RGB
        ("RGB", (4000, 3000), "jpeg", 2000 * 1500 * 4),
        # CMYK: decoded at 1/4 (2000 x 1500 from 8000 x 6000), then an RGB copy
        ("CMYK", (8000, 6000), "jpeg", 2000 * 1500 * (4 + 4)),
    ],
)
def test_decoded_bytes_counts_the_decode_and_the_converted_copy(
    mode: str, size: tuple[int, int], kind: str, expected: int
) -> None:
    fake = Image.new(mode, (1, 1))
    fake._size = size  # only the header's numbers matter
    assert decoded_bytes(fake, kind) == expected


def test_a_12_megapixel_rgb_png_is_still_accepted(private_dir: Path, settings: Any) -> None:
    assert settings.UPLOAD_MAX_DECODED_BYTES > 4000 * 3000 * 4
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 190, 180)).save(out, format="PNG")
    stored = upload_store(uploaded_file=upload("layar.png", out.getvalue(), "image/png"))
    assert (stored.width, stored.height) == (2000, 1500)


# --- PDFs: inflated stream size capped before sanitising ---------------------------------------------------


def test_pdf_with_a_200_mb_flate_stream_is_refused_and_nothing_stored(private_dir: Path) -> None:
    data = _flate_bomb(200)
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(UploadRejected) as refusal:
            upload_store(uploaded_file=upload("bom.pdf", data, "application/pdf"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refusal.value.code == "pdf_too_large"
    assert refusal.value.message == (
        "Isi PDF terlalu besar setelah dibuka (lebih dari 128 MB). "
        "Simpan ulang dokumen sebagai PDF biasa atau unggah foto halamannya."
    )
    assert stored_files(private_dir) == []
    assert peak < 24 * MB  # measured in 1 MB chunks, never held whole


def test_run_length_bomb_is_refused(private_dir: Path, settings: Any) -> None:
    settings.UPLOAD_PDF_MAX_DECODED_BYTES = 8 * MB
    raw = bytes([129, 0x20]) * 80_000 + b"\x80"  # each pair repeats a byte 128 times: 10 MB
    with pytest.raises(UploadRejected) as refusal:
        upload_store(
            uploaded_file=upload("rl.pdf", _pdf_with_stream(raw, ["/RunLengthDecode"]), "application/pdf")
        )
    assert refusal.value.code == "pdf_too_large"
    assert stored_files(private_dir) == []


def test_streams_are_counted_through_filter_chains() -> None:
    content = b"BT /F1 12 Tf 72 712 Td (Surat keterangan kerja) Tj ET\n" * 1000
    chained = base64.a85encode(zlib.compress(content), adobe=True)
    with pikepdf.open(io.BytesIO(_pdf_with_stream(chained, ["/ASCII85Decode", "/FlateDecode"]))) as pdf:
        counted = decoded_stream_bytes(pdf, limit=10**9)
    assert counted == len(content)


def test_lzw_follows_the_pdf_reference_example() -> None:
    # The worked example of the PDF reference (LZWDecode, EarlyChange 1).
    assert b"".join(_lzw(bytes.fromhex("800B6050220C0C8501"))) == bytes.fromhex("2D2D2D2D2D412D2D2D42")


def test_an_ordinary_pdf_is_accepted(private_dir: Path) -> None:
    stored = upload_store(uploaded_file=upload("surat.pdf", corpus.pdf(), "application/pdf"))
    assert stored.kind == "pdf"
    assert len(stored_files(private_dir)) == 1


# --- Decodes per process -----------------------------------------------------------------------------


def test_no_free_decode_slot_answers_busy_and_stores_nothing(private_dir: Path, settings: Any) -> None:
    settings.UPLOAD_DECODE_CONCURRENCY = 1
    settings.UPLOAD_DECODE_WAIT_SECONDS = 0.05
    with decode_slot(), pytest.raises(UploadRejected) as refusal:  # another request is decoding
        upload_store(uploaded_file=upload("a.png", corpus.png(), "image/png"))
    assert refusal.value.code == "busy"
    assert (
        refusal.value.message
        == "Server sedang sibuk memproses unggahan lain. Tunggu sebentar, lalu coba lagi."
    )
    assert stored_files(private_dir) == []
    assert upload_store(uploaded_file=upload("a.png", corpus.png(), "image/png")).kind == "png"


def test_concurrent_uploads_decode_at_most_the_configured_number_at_once(
    private_dir: Path, settings: Any, monkeypatch: Any
) -> None:
    settings.UPLOAD_DECODE_CONCURRENCY = 2
    settings.UPLOAD_DECODE_WAIT_SECONDS = 30
    lock = threading.Lock()
    two_inside = threading.Event()
    active = peak = 0
    real_sanitize = services.sanitize

    def observed(data: bytes, sniff: Any) -> Any:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            if active == 2:
                two_inside.set()
        two_inside.wait(timeout=10)  # the first two overlap for sure; a third would be seen too
        try:
            return real_sanitize(data, sniff)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(services, "sanitize", observed)
    results: list[Any] = []

    def one(i: int) -> None:
        try:
            results.append(
                services.prepare_upload(uploaded_file=upload(f"{i}.png", corpus.png(), "image/png"))
            )
        except UploadRejected as exc:
            results.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2
    assert [type(r).__name__ for r in results] == ["PreparedUpload"] * 6


# --- Attempts per user -----------------------------------------------------------------------------------


def test_uploads_over_the_rate_are_refused_per_user(private_dir: Path, settings: Any) -> None:
    settings.UPLOAD_RATE_LIMIT = 2
    settings.UPLOAD_RATE_WINDOW_SECONDS = 600
    token = upload_actor.set(lambda: "user:rate-test-1")
    try:
        for _ in range(2):
            upload_store(uploaded_file=upload("a.png", corpus.png(), "image/png"))
        with pytest.raises(UploadRejected) as refusal:
            upload_store(uploaded_file=upload("a.png", corpus.png(), "image/png"))
    finally:
        upload_actor.reset(token)
    assert refusal.value.code == "rate_limited"
    assert refusal.value.message == "Terlalu banyak unggahan dalam waktu singkat. Coba lagi dalam 10 menit."
    assert len(stored_files(private_dir)) == 2
    token = upload_actor.set(lambda: "user:rate-test-2")  # someone else is not affected
    try:
        assert upload_store(uploaded_file=upload("a.png", corpus.png(), "image/png")).kind == "png"
    finally:
        upload_actor.reset(token)


@pytest.mark.django_db
def test_the_claim_document_form_counts_the_signed_in_user(private_dir: Path, settings: Any) -> None:
    settings.UPLOAD_RATE_LIMIT = 2
    claim = claim_in(ClaimStatus.DRAFT)
    client = Client()
    client.force_login(claim.user)
    url = reverse("claims:step_documents", kwargs={"claim_id": claim.public_id})

    def post() -> Any:
        return client.post(url, {"doc_type": "ktp", "file": upload("ktp.png", corpus.png(), "image/png")})

    assert [post().status_code for _ in range(2)] == [302, 302]
    refused = post()
    assert refused.status_code == 200
    assert "Terlalu banyak unggahan dalam waktu singkat." in refused.content.decode()
    assert ClaimDocument.objects.filter(claim=claim).count() == 1  # the second replaced the first
