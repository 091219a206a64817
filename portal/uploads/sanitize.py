"""Rewriting accepted files so that only their visible content survives.

Images are decoded and encoded again by Pillow: EXIF orientation is applied, then every piece of
metadata (EXIF with GPS, ICC profiles, comments, text chunks) and every byte outside the picture
(anything after the end-of-image marker, extra frames) is left behind. JPEG stays JPEG (quality 85);
PNG stays PNG, because PNG uploads are mostly screenshots of digital documents whose text a lossy
re-encode would blur. Both are scaled down to at most `MAX_EDGE` pixels on the long side.

PDFs are rewritten by qpdf (pikepdf). A PDF with JavaScript or a Launch action is refused outright,
since it was made to run code and we cannot know what a reviewer's viewer would do with what is
left; other automatic behaviour (open actions, additional actions, link/URI/submit actions,
embedded files, XFA, multimedia annotations, metadata) is removed and the document saved anew.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import pikepdf
from PIL import ExifTags, Image

from portal.uploads.validation import (
    CONTENT_TYPES,
    EXTENSIONS,
    KIND_JPEG,
    KIND_PDF,
    MAX_EDGE,
    SniffResult,
    UploadRejected,
    fitted_size,
    open_image,
    open_pdf,
    output_mode,
    reject,
)

# MAX_EDGE (validation): enough for a reviewer to read a KTP, a bank book or an A4 letter (about
# 170 dpi) photographed at arm's length; also exactly half of a 12 MP phone photo, which libjpeg
# decodes at that scale directly.
JPEG_QUALITY: Final = 85

# Actions that exist to run code: such a PDF is refused rather than repaired.
_CODE_ACTIONS: Final = frozenset({"/JavaScript", "/Launch"})
# Keys that make a viewer do something by itself or on a click; removed wherever they appear.
_ACTION_KEYS: Final = (
    "/OpenAction",
    "/AA",
    "/JS",
    "/URI",
    "/XFA",
    "/EmbeddedFiles",
    "/EF",
    "/RichMediaContent",
)
_UNSAFE_ANNOTATIONS: Final = frozenset(
    {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
)
_CODE_MARKER: Final = re.compile(rb"/(JavaScript|JS|Launch)(?![A-Za-z0-9])")
_MAX_DEPTH: Final = 64
_ORIENTATION_TRANSPOSE: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True, slots=True)
class SanitizedFile:
    data: bytes
    kind: str
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    pages: int | None = None


def sanitize(data: bytes, sniff: SniffResult) -> SanitizedFile:
    """The rewritten file for bytes `inspect_bytes` accepted as `sniff`."""
    if sniff.kind == KIND_PDF:
        return sanitize_pdf(data)
    return sanitize_image(data, sniff.kind)


# --- Images ---------------------------------------------------------------------------------------


def sanitize_image(data: bytes, kind: str) -> SanitizedFile:
    image = open_image(data, kind)  # refuses too many pixels before decoding
    try:
        return _reencode(image, kind)
    except (OSError, SyntaxError, ValueError) as exc:
        raise reject("image_corrupt") from exc
    finally:
        image.close()


def _reencode(image: Image.Image, kind: str) -> SanitizedFile:
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    if kind == KIND_JPEG:
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale directly when the result still covers the
        # output size: a 12 MP photo is decoded at 3 MP and needs no resampling at all.
        image.draft("RGB", fitted_size(image.size))
    image.load()
    image = _output_mode(image, kind)
    if max(image.size) > MAX_EDGE:
        image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Orientation applied to the pixels (after scaling: less to move), since the EXIF goes.
    if method := _ORIENTATION_TRANSPOSE.get(orientation):
        image = image.transpose(method)
    # `info` carries the comment, ICC profile, EXIF and text chunks, which save() would write back.
    image.info = {}
    out = io.BytesIO()
    if kind == KIND_JPEG:
        image.save(out, format="JPEG", quality=JPEG_QUALITY, exif=b"")
    else:
        image.save(out, format="PNG", exif=b"")
    width, height = image.size
    return SanitizedFile(
        out.getvalue(), kind, CONTENT_TYPES[kind], EXTENSIONS[kind], width=width, height=height
    )


def _output_mode(image: Image.Image, kind: str) -> Image.Image:
    mode = output_mode(image, kind)
    return image if image.mode == mode else image.convert(mode)


# --- PDFs -----------------------------------------------------------------------------------------


def sanitize_pdf(data: bytes) -> SanitizedFile:
    with open_pdf(data) as pdf:
        try:
            if _has_code(pdf):
                raise reject("pdf_active_content")
            _strip_active_content(pdf)
            pages = len(pdf.pages)
            out = io.BytesIO()
            pdf.save(
                out,
                # Streams pass through as they are: no decompression (flate bombs), no recompression.
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                recompress_flate=False,
                # Plain objects, so what was kept can be audited with `grep`.
                object_stream_mode=pikepdf.ObjectStreamMode.disable,
                deterministic_id=True,
                fix_metadata_version=False,
            )
            # Belt and braces: the output keeps objects uncompressed, so a JavaScript key that the
            # object walk somehow missed would be visible here.
            if _CODE_MARKER.search(out.getvalue()):
                raise reject("pdf_active_content")
        except UploadRejected:
            raise
        except (pikepdf.PdfError, ValueError, RuntimeError, RecursionError) as exc:
            raise reject("pdf_corrupt") from exc
    return SanitizedFile(out.getvalue(), KIND_PDF, CONTENT_TYPES[KIND_PDF], EXTENSIONS[KIND_PDF], pages=pages)


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary | pikepdf.Stream]:
    """Every dictionary in the file: each indirect object and the direct ones nested inside it."""
    for obj in pdf.objects:
        yield from _nested_dictionaries(obj, 0)


def _nested_dictionaries(obj: object, depth: int) -> Iterator[pikepdf.Dictionary | pikepdf.Stream]:
    if depth > _MAX_DEPTH:
        raise reject("pdf_corrupt")
    if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary):
        yield obj
        children = [obj.get(key) for key in obj.keys()]  # noqa: SIM118 - pikepdf objects, not dicts
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            yield from _nested_dictionaries(child, depth + 1)


def _has_code(pdf: pikepdf.Pdf) -> bool:
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        return True
    for dictionary in _dictionaries(pdf):
        if "/JS" in dictionary:
            return True
        action_type = dictionary.get("/S")
        if isinstance(action_type, pikepdf.Name) and str(action_type) in _CODE_ACTIONS:
            return True
    return False


def _strip_active_content(pdf: pikepdf.Pdf) -> None:
    root = pdf.Root
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        # Only named destinations (targets of internal links) are kept from the name dictionary.
        for key in list(names.keys()):
            if key != "/Dests":
                del names[key]
    for key in ("/Metadata", "/Collection", "/URI", "/Threads"):
        if key in root:
            del root[key]
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    for dictionary in list(_dictionaries(pdf)):
        for key in _ACTION_KEYS:
            if key in dictionary:
                del dictionary[key]
        # `/A` is an action on links, outline items and form fields, but also a tagged-PDF attribute
        # dictionary; only actions (which have an `/S` type) go.
        action = dictionary.get("/A")
        if isinstance(action, pikepdf.Dictionary) and "/S" in action:
            del dictionary["/A"]
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if isinstance(annotations, pikepdf.Array):
            kept = [
                annotation
                for annotation in annotations
                if isinstance(annotation, pikepdf.Dictionary)
                and str(annotation.get("/Subtype", "")) not in _UNSAFE_ANNOTATIONS
            ]
            page.obj["/Annots"] = pikepdf.Array(kept)
