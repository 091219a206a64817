"""Small previews of stored uploads for staff review pages, rendered by a worker.

Images become a JPEG at most `THUMBNAIL_EDGE` pixels on the long side. PDFs get a generic document
icon with the page count; the claim review page shows a PDF's first pages themselves, rasterised by
`pdf_pages` in a resource-limited child process.
"""

from __future__ import annotations

import io
import posixpath
from typing import Final

from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from portal.uploads.services import private_storage
from portal.uploads.validation import KIND_JPEG, KIND_PNG, open_image

THUMBNAIL_EDGE: Final = 320
THUMBNAIL_QUALITY: Final = 80
_SUFFIX: Final = ".thumb.jpg"


def thumbnail_name_for(storage_name: str) -> str:
    stem, _extension = posixpath.splitext(storage_name)
    return stem + _SUFFIX


def render_upload_thumbnail(storage_name: str) -> str:
    """Write the thumbnail of a stored upload next to it and return its storage name.

    Safe to run twice: an existing thumbnail is kept.
    """
    storage = private_storage()
    target = thumbnail_name_for(storage_name)
    if storage.exists(target):
        return target
    with storage.open(storage_name, "rb") as handle:
        data = handle.read()
    extension = posixpath.splitext(storage_name)[1].lower()
    if extension in (".jpg", ".jpeg"):
        thumbnail = image_thumbnail(data, KIND_JPEG)
    elif extension == ".png":
        thumbnail = image_thumbnail(data, KIND_PNG)
    else:
        thumbnail = pdf_icon(pdf_page_count(data))
    saved: str = storage.save(target, ContentFile(thumbnail))
    return saved


def image_thumbnail(data: bytes, kind: str) -> bytes:
    with open_image(data, kind) as image:
        if kind == KIND_JPEG:
            image.draft("RGB", (THUMBNAIL_EDGE, THUMBNAIL_EDGE))
        image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS, reducing_gap=2.0)
        small = image.convert("RGBA")
    # Transparent PNGs go onto white, as they look in a viewer.
    flat = Image.new("RGB", small.size, "white")
    flat.paste(small, mask=small.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


def pdf_icon(pages: int | None) -> bytes:
    """A page-shaped icon reading "PDF" and the page count."""
    width, height = THUMBNAIL_EDGE * 3 // 4, THUMBNAIL_EDGE
    icon = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(icon)
    fold = width // 4
    outline = (110, 110, 110)
    draw.polygon(
        [(8, 8), (width - 8 - fold, 8), (width - 8, 8 + fold), (width - 8, height - 8), (8, height - 8)],
        fill=(246, 246, 246),
        outline=outline,
        width=3,
    )
    draw.line(
        [(width - 8 - fold, 8), (width - 8 - fold, 8 + fold), (width - 8, 8 + fold)], fill=outline, width=3
    )
    draw.text(
        (width / 2, height / 2), "PDF", fill=(180, 30, 30), font=ImageFont.load_default(56), anchor="mm"
    )
    if pages:
        draw.text(
            (width / 2, height / 2 + 60),
            gettext("%(pages)s halaman") % {"pages": pages},
            fill=outline,
            font=ImageFont.load_default(24),
            anchor="mm",
        )
    out = io.BytesIO()
    icon.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


def pdf_page_count(data: bytes) -> int | None:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except (pikepdf.PdfError, ValueError):
        return None
