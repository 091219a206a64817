"""The first pages of a stored PDF as PNG images, for staff review pages.

Pages are rasterised by PDFium (pypdfium2) in a child process with a memory, CPU-time and wall-clock
limit (`pdf_raster.py`): sanitising at upload removes active content, but a 35 KB PDF of half a million
filled paths still costs PDFium minutes of CPU, and a small stream can inflate to a gigapixel image.
Each page is rendered once and kept next to the upload in the private storage (the upload never
changes: a replaced document is a new file), so opening a review page again costs nothing.

Bounds: pages 1 to `PREVIEW_PAGES` only; each image fits in `MAX_WIDTH` x `MAX_HEIGHT` pixels and a
small page is not enlarged past `MAX_SCALE` (200 dpi). A PDF that cannot be read, or a page the child
could not render within its limits, becomes a placeholder image saying so, kept like a rendered page
(rendering it again would hit the same limit). The caller checks access
first (like `serving.private_file_response`) and never takes a storage name from the request.
"""

from __future__ import annotations

import io
import posixpath
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import structlog
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from portal.uploads import pdf_raster
from portal.uploads.services import private_storage
from portal.uploads.thumbnails import pdf_page_count

log = structlog.get_logger(__name__)

PREVIEW_PAGES: Final = 5
MAX_WIDTH: Final = 1200
MAX_HEIGHT: Final = 1700  # an A4 page 1200 px wide is 1697 px tall
MAX_SCALE: Final = 200 / 72
# Limits of the rendering child. Pages of real documents take 0.1-0.5 s of CPU and < 100 MB.
MAX_MEMORY_BYTES = 512 * 1024 * 1024
MAX_CPU_SECONDS = 5
TIMEOUT_SECONDS = 15
# The page count is read on every review page; it never changes for a stored file.
_COUNT_CACHE_SECONDS: Final = 24 * 60 * 60
_RASTER_SCRIPT: Final = Path(pdf_raster.__file__)


class PageNotShown(Exception):
    """The page is outside the preview (0, past `PREVIEW_PAGES`, or past the document's end)."""


@dataclass(frozen=True, slots=True)
class PdfPreview:
    pages: int | None  # pages in the document; None when it cannot be read
    shown: tuple[int, ...]  # the page numbers shown as images (an unreadable PDF shows a placeholder as 1)


def is_pdf(storage_name: str) -> bool:
    # Stored names keep only an allow-listed extension, set from the sniffed type (uploads pipeline).
    return posixpath.splitext(storage_name)[1].lower() == ".pdf"


def page_count_cache_key(storage_name: str) -> str:
    return f"uploads:pdf-pages:{storage_name}"


def pdf_preview(storage_name: str) -> PdfPreview:
    """How many pages a stored PDF has and which of them the review page shows."""
    key = page_count_cache_key(storage_name)
    pages = cache.get(key)
    if pages is None:
        with private_storage().open(storage_name, "rb") as handle:
            pages = pdf_page_count(handle.read()) or 0
        cache.set(key, pages, _COUNT_CACHE_SECONDS)
    if not pages:
        return PdfPreview(pages=None, shown=(1,))
    return PdfPreview(pages=pages, shown=tuple(range(1, min(pages, PREVIEW_PAGES) + 1)))


def page_image_name(storage_name: str, page: int) -> str:
    stem, _extension = posixpath.splitext(storage_name)
    return f"{stem}.page-{page}.png"


def pdf_page_image(storage_name: str, page: int) -> str:
    """Storage name of the PNG of page `page` (1-based) of a stored PDF, rendering it the first time.

    Raises PageNotShown for a page outside the preview, FileNotFoundError when the PDF is gone.
    """
    if page not in pdf_preview(storage_name).shown:
        raise PageNotShown
    storage = private_storage()
    target = page_image_name(storage_name, page)
    if storage.exists(target):
        return target
    with storage.open(storage_name, "rb") as handle:
        data = handle.read()
    png = _rasterise(data, page, storage_name)
    saved: str = storage.save(target, ContentFile(png))
    return saved


def _rasterise(data: bytes, page: int, storage_name: str) -> bytes:
    command = [
        sys.executable,
        "-I",  # isolated: no PYTHON* variables, no user site, not the current directory on the path
        str(_RASTER_SCRIPT),
        str(page),
        str(MAX_WIDTH),
        str(MAX_HEIGHT),
        repr(MAX_SCALE),
        str(MAX_MEMORY_BYTES),
        str(MAX_CPU_SECONDS),
    ]
    try:
        # A fixed argv (no shell); the PDF goes through stdin.
        result = subprocess.run(  # noqa: S603
            command, input=data, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        log.warning("pdf_page.timeout", storage_name=storage_name, page=page)
        return placeholder_png()
    if result.returncode == 0 and result.stdout.startswith(b"\x89PNG\r\n\x1a\n"):
        return result.stdout
    if result.returncode == pdf_raster.EXIT_NO_SUCH_PAGE:
        # The page count (pikepdf) promised this page, PDFium disagrees: show that it cannot be read.
        log.warning("pdf_page.page_count_mismatch", storage_name=storage_name, page=page)
    else:
        log.warning(
            "pdf_page.unreadable", storage_name=storage_name, page=page, exit_status=result.returncode
        )
    return placeholder_png()


def placeholder_png() -> bytes:
    """An A4-shaped image saying the page cannot be shown and what to do instead."""
    width, height = 600, 848
    image = Image.new("RGB", (width, height), (246, 246, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle([(4, 4), (width - 5, height - 5)], outline=(110, 110, 110), width=3)
    draw.text(
        (width / 2, height / 2 - 30),
        gettext("Pratinjau halaman tidak tersedia"),
        fill=(150, 30, 30),
        font=ImageFont.load_default(30),
        anchor="mm",
    )
    draw.text(
        (width / 2, height / 2 + 20),
        gettext("PDF tidak dapat dibaca. Unduh berkas untuk memeriksanya."),
        fill=(60, 60, 60),
        font=ImageFont.load_default(20),
        anchor="mm",
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
