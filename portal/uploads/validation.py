"""Deciding what an uploaded file is, from its bytes only.

The name and the browser's Content-Type are never consulted: a file is JPEG, PNG or PDF when its
magic bytes say so, libmagic agrees, and the matching parser reads it. Everything else is refused
with an `UploadRejected` carrying a stable code (for tests and logs) and an Indonesian message (for
the participant). Nothing here touches storage or the database.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import IO, Any, Final

import magic
import pikepdf
from django.conf import settings
from django.utils.translation import gettext_lazy
from PIL import Image

from portal.uploads.pdf_streams import decoded_stream_bytes

KIND_JPEG: Final = "jpeg"
KIND_PNG: Final = "png"
KIND_PDF: Final = "pdf"

CONTENT_TYPES: Final[dict[str, str]] = {
    KIND_JPEG: "image/jpeg",
    KIND_PNG: "image/png",
    KIND_PDF: "application/pdf",
}
EXTENSIONS: Final[dict[str, str]] = {KIND_JPEG: "jpg", KIND_PNG: "png", KIND_PDF: "pdf"}

DEFAULT_MAX_BYTES: Final = 6 * 1024 * 1024
# 40 megapixels: above any phone's default photo size and what a 6 MB JPEG can plausibly hold, and
# checked from the header before a single pixel is decoded (a 20,000 x 20,000 PNG is 400 MP).
MAX_PIXELS: Final = 40_000_000
MAX_PDF_PAGES: Final = 30
# The largest size any step decodes an image at: the stored copy fits in MAX_EDGE x MAX_EDGE (see
# `sanitize`), and libjpeg decodes a larger JPEG directly at 1/2, 1/4 or 1/8 scale when that still covers it.
MAX_EDGE: Final = 2000
DEFAULT_MAX_DECODED_BYTES: Final = 128 * 1024 * 1024
DEFAULT_PDF_MAX_DECODED_BYTES: Final = 128 * 1024 * 1024
# Bytes a pixel takes in Pillow's memory: one for bilevel, grey and palette images, two for 16-bit
# grey, four for everything else (RGB is kept as RGBX).
_PIXEL_BYTES: Final[dict[str, int]] = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}

_JPEG_SIGNATURE: Final = b"\xff\xd8\xff"
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_PDF_SIGNATURE: Final = b"%PDF-"
_PILLOW_FORMATS: Final[dict[str, list[str]]] = {KIND_JPEG: ["JPEG"], KIND_PNG: ["PNG"]}
# Pillow reports phone photos that carry extra pictures (depth maps) as MPO; the first frame is a JPEG.
_ACCEPTED_PILLOW_FORMATS: Final[dict[str, set[str]]] = {KIND_JPEG: {"JPEG", "MPO"}, KIND_PNG: {"PNG"}}

_MESSAGES: Final[dict[str, Any]] = {
    "empty": gettext_lazy("Berkas kosong. Pilih berkas dokumen lalu unggah kembali."),
    "too_large": gettext_lazy(
        "Ukuran berkas melebihi %(limit)s MB. Perkecil foto atau pindai ulang dokumen, lalu unggah kembali."
    ),
    "unsupported_type": gettext_lazy("Format berkas tidak didukung. Unggah JPEG, PNG, atau PDF."),
    "image_corrupt": gettext_lazy("Gambar rusak atau tidak lengkap. Foto ulang dokumen lalu unggah kembali."),
    "image_too_many_pixels": gettext_lazy(
        "Resolusi gambar terlalu besar (maksimal %(megapixels)s megapiksel). "
        "Perkecil gambar lalu unggah kembali."
    ),
    "image_too_large": gettext_lazy(
        "Gambar terlalu besar untuk diproses (resolusi dan kedalaman warnanya). "
        "Perkecil resolusi gambar atau simpan sebagai JPEG, lalu unggah kembali."
    ),
    "pdf_too_large": gettext_lazy(
        "Isi PDF terlalu besar setelah dibuka (lebih dari %(megabytes)s MB). "
        "Simpan ulang dokumen sebagai PDF biasa atau unggah foto halamannya."
    ),
    "busy": gettext_lazy("Server sedang sibuk memproses unggahan lain. Tunggu sebentar, lalu coba lagi."),
    "rate_limited": gettext_lazy(
        "Terlalu banyak unggahan dalam waktu singkat. Coba lagi dalam %(minutes)s menit."
    ),
    "pdf_corrupt": gettext_lazy(
        "PDF rusak atau tidak dapat dibaca. Simpan ulang dokumen sebagai PDF lalu unggah kembali."
    ),
    "pdf_encrypted": gettext_lazy(
        "PDF dilindungi kata sandi (seperti e-statement bank). Buka PDF-nya, simpan ulang tanpa kata sandi"
        " (Cetak → Simpan sebagai PDF), atau unggah foto halamannya."
    ),
    "pdf_too_many_pages": gettext_lazy(
        "PDF terlalu banyak halaman (maksimal %(pages)s halaman). Unggah hanya halaman yang diperlukan."
    ),
    "pdf_active_content": gettext_lazy(
        "PDF berisi JavaScript atau tindakan otomatis yang tidak diizinkan. "
        "Cetak ulang dokumen ke PDF biasa lalu unggah kembali."
    ),
}


class UploadRejected(Exception):
    """The file is not accepted. `code` is stable; `message` is for the participant."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def reject(code: str, **params: object) -> UploadRejected:
    """An `UploadRejected` for `code` with its message translated into the active language."""
    template = _MESSAGES[code]
    message = str(template) % params if params else str(template)
    return UploadRejected(code, message)


@dataclass(frozen=True, slots=True)
class SniffResult:
    kind: str  # "jpeg", "png" or "pdf"
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    pages: int | None = None


def read_limited(stream: IO[bytes] | Any, *, max_bytes: int) -> bytes:
    """All of the stream's bytes, refusing empty input and input longer than `max_bytes`.

    Reads at most `max_bytes + 1` bytes, so a huge upload is never pulled into memory whole.
    """
    declared = getattr(stream, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise reject("too_large", limit=_megabytes(max_bytes))
    if hasattr(stream, "seek"):
        stream.seek(0)
    data = stream.read(max_bytes + 1)
    if not data:
        raise reject("empty")
    if len(data) > max_bytes:
        raise reject("too_large", limit=_megabytes(max_bytes))
    return bytes(data)


def inspect_upload(stream: IO[bytes] | Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SniffResult:
    """Decide what the uploaded stream is, or raise `UploadRejected`."""
    return inspect_bytes(read_limited(stream, max_bytes=max_bytes))


def inspect_bytes(data: bytes) -> SniffResult:
    if not data:
        raise reject("empty")
    kind = _kind_from_signature(data)
    if kind is None or magic.from_buffer(data[:65536], mime=True) != CONTENT_TYPES[kind]:
        # Either unknown magic bytes, or libmagic sees something else (e.g. HTML or SVG) first.
        raise reject("unsupported_type")
    if kind == KIND_PDF:
        return _inspect_pdf(data)
    return _inspect_image(data, kind)


def _kind_from_signature(data: bytes) -> str | None:
    if data.startswith(_JPEG_SIGNATURE):
        return KIND_JPEG
    if data.startswith(_PNG_SIGNATURE):
        return KIND_PNG
    if data.startswith(_PDF_SIGNATURE):
        return KIND_PDF
    return None


def open_image(data: bytes, kind: str) -> Image.Image:
    """Open (not decode) an image of the given kind, refusing too many pixels before decoding."""
    try:
        image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS[kind])
    except Image.DecompressionBombError as exc:
        # Pillow's own guard fires at twice its limit, which is above ours: same answer, sooner.
        raise reject("image_too_many_pixels", megapixels=MAX_PIXELS // 1_000_000) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise reject("image_corrupt") from exc
    if image.format not in _ACCEPTED_PILLOW_FORMATS[kind]:
        image.close()
        raise reject("unsupported_type")
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise reject("image_corrupt")
    if width * height > MAX_PIXELS:
        image.close()
        raise reject("image_too_many_pixels", megapixels=MAX_PIXELS // 1_000_000)
    if decoded_bytes(image, kind) > max_decoded_bytes():
        # Read from the header, before a single pixel is decoded: few pixels in a small file can still
        # be a lot of memory once decoded and converted (a 4.9 KB 1-bit PNG of 40 MP is 159 MB as RGB).
        image.close()
        raise reject("image_too_large")
    return image


def max_decoded_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_DECODED_BYTES", DEFAULT_MAX_DECODED_BYTES))


def output_mode(image: Image.Image, kind: str) -> str:
    """The mode the rewritten image is stored in: JPEG keeps RGB or grey, PNG keeps RGB(A) or grey
    (with alpha); bilevel, palette, 16-bit and other modes become RGB, or RGBA when transparent."""
    if kind == KIND_JPEG:
        return image.mode if image.mode in ("RGB", "L") else "RGB"
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image.mode
    has_alpha = image.mode in ("PA", "RGBa", "La") or "transparency" in image.info
    return "RGBA" if has_alpha else "RGB"


def fitted_size(size: tuple[int, int]) -> tuple[int, int]:
    """`size` scaled down to fit in MAX_EDGE x MAX_EDGE, keeping the aspect ratio."""
    width, height = size
    factor = min(1.0, MAX_EDGE / max(width, height))
    return max(1, int(width * factor)), max(1, int(height * factor))


def decoded_bytes(image: Image.Image, kind: str) -> int:
    """Memory the largest decode of the pipeline takes: the decoded pixels plus their copy in the
    output mode when it differs. JPEGs at the reduced scale libjpeg decodes them at (as in Pillow's
    `JpegImageFile.draft`), other images whole."""
    width, height = image.size
    if kind == KIND_JPEG:
        target_width, target_height = fitted_size(image.size)
        scale = min(width // target_width, height // target_height)
        step = next(s for s in (8, 4, 2, 1) if scale >= s)
        width, height = (width + step - 1) // step, (height + step - 1) // step
    pixels = width * height
    total = pixels * _PIXEL_BYTES.get(image.mode, 4)
    converted = output_mode(image, kind)
    if converted != image.mode:
        total += pixels * _PIXEL_BYTES.get(converted, 4)
    return total


def _inspect_image(data: bytes, kind: str) -> SniffResult:
    image = open_image(data, kind)
    width, height = image.size
    try:
        if kind == KIND_JPEG:
            # Every scan is still entropy-decoded (so truncation and corruption show), but libjpeg
            # skips most of the inverse DCT work at 1/8 scale.
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        # A full decode: a truncated or malformed image is refused here, not in a worker later.
        image.load()
    except Image.DecompressionBombError as exc:
        raise reject("image_too_many_pixels", megapixels=MAX_PIXELS // 1_000_000) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise reject("image_corrupt") from exc
    finally:
        image.close()
    return SniffResult(kind, CONTENT_TYPES[kind], len(data), width=width, height=height)


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """Parse a PDF with qpdf, refusing damaged, encrypted and overlong documents."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise reject("pdf_encrypted") from exc
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise reject("pdf_corrupt") from exc
    try:
        if pdf.is_encrypted:
            # Opened with the empty user password; an owner password still restricts it.
            raise reject("pdf_encrypted")
        pages = len(pdf.pages)
    except UploadRejected:
        pdf.close()
        raise
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        pdf.close()
        raise reject("pdf_corrupt") from exc
    if pages < 1:
        pdf.close()
        raise reject("pdf_corrupt")
    if pages > MAX_PDF_PAGES:
        pdf.close()
        raise reject("pdf_too_many_pages", pages=MAX_PDF_PAGES)
    return pdf


def _inspect_pdf(data: bytes) -> SniffResult:
    limit = int(getattr(settings, "UPLOAD_PDF_MAX_DECODED_BYTES", DEFAULT_PDF_MAX_DECODED_BYTES))
    with open_pdf(data) as pdf:
        pages = len(pdf.pages)
        try:
            # Sanitising passes streams through compressed, but whoever opens the file (a reviewer's
            # viewer, the page preview) inflates them: a 200 KB flate stream can be 200 MB.
            inflated = decoded_stream_bytes(pdf, limit=limit)
        except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
            raise reject("pdf_corrupt") from exc
    if inflated > limit:
        raise reject("pdf_too_large", megabytes=limit // (1024 * 1024))
    return SniffResult(KIND_PDF, CONTENT_TYPES[KIND_PDF], len(data), pages=pages)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


# --- Display names --------------------------------------------------------------------------------

DISPLAY_NAME_MAX_LENGTH: Final = 100
_FALLBACK_NAME: Final = "dokumen"
_UNSAFE_CHARACTERS = re.compile(r'[<>:"|?*;\\/]')


def sanitize_display_name(name: str | None, *, max_length: int = DISPLAY_NAME_MAX_LENGTH) -> str:
    """A participant's file name made safe to show and to offer as a download name.

    Only for display: storage paths are always random. Drops any directory part (both separators),
    control and format characters, characters that are unsafe in file names or headers, and leading
    dots; collapses whitespace; keeps the extension when shortening.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith(("C", "Z")) or ch == " ")
    text = _UNSAFE_CHARACTERS.sub("_", text)
    text = " ".join(text.split()).lstrip(". ")
    if not text:
        return _FALLBACK_NAME
    if len(text) > max_length:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and len(extension) <= 8:
            text = stem[: max_length - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:max_length].rstrip(" .")
    return text or _FALLBACK_NAME


def download_name(display_name: str, kind: str) -> str:
    """The display name with the extension of what was actually stored (e.g. `scan.pdf` -> `scan.jpg`)."""
    stem, dot, _extension = display_name.rpartition(".")
    base = stem if dot and stem else display_name
    return f"{base}.{EXTENSIONS[kind]}"
