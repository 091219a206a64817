"""Rasterise one page of a PDF to PNG, in a separate process with CPU and memory limits.

Run only by `portal.uploads.pdf_pages` as
`python -I pdf_raster.py PAGE MAX_WIDTH MAX_HEIGHT MAX_SCALE MAX_MEMORY_BYTES MAX_CPU_SECONDS`, the PDF on
stdin, the PNG on stdout. A separate process because a hostile PDF (a small stream that inflates to a
gigapixel image, a page of millions of paths) could otherwise take a web thread's memory or CPU, and
because PDFium may not be called from two threads at once. Standalone on purpose: no Django, nothing
from the project, so the child starts in ~0.1 s and sees nothing of the web process.

Exit status: 0 PNG written; 3 unreadable PDF or page; 4 no such page. Anything else (killed by a limit,
MemoryError) is an unreadable page for the caller too.
"""

from __future__ import annotations

import io
import math
import resource
import sys

EXIT_UNREADABLE = 3
EXIT_NO_SUCH_PAGE = 4


def _limit(max_memory: int, max_cpu_seconds: int) -> None:
    # Address space, not resident memory: an allocation past the limit fails at once (MemoryError or
    # PDFium's own out-of-memory abort) instead of the machine swapping. CPU past the limit: SIGKILL.
    resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    resource.setrlimit(resource.RLIMIT_CPU, (max_cpu_seconds, max_cpu_seconds))


def rasterise(data: bytes, page_number: int, max_width: int, max_height: int, max_scale: float) -> bytes:
    # Imported after the limits are set, so the libraries' own start-up counts against them too.
    import pypdfium2 as pdfium
    from PIL import Image

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise SystemExit(EXIT_UNREADABLE) from None
    if not 1 <= page_number <= len(pdf):
        raise SystemExit(EXIT_NO_SUCH_PAGE)
    try:
        page = pdf[page_number - 1]
        width, height = page.get_size()
        if page.get_rotation() in (90, 270):
            width, height = height, width
        if not (math.isfinite(width) and math.isfinite(height) and width >= 1 and height >= 1):
            raise SystemExit(EXIT_UNREADABLE)
        # The page fits in max_width x max_height; small pages are not blown up beyond max_scale.
        scale = min(max_width / width, max_height / height, max_scale)
        if width * scale < 1 or height * scale < 1:  # a 1 x 10,000 pt strip: nothing to see
            raise SystemExit(EXIT_UNREADABLE)
        image = page.render(scale=scale, may_draw_forms=False).to_pil()
    except pdfium.PdfiumError:
        raise SystemExit(EXIT_UNREADABLE) from None
    image.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)  # PDFium rounds sizes up
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return out.getvalue()


def main(argv: list[str]) -> int:
    page_number, max_width, max_height = int(argv[1]), int(argv[2]), int(argv[3])
    max_scale, max_memory, max_cpu_seconds = float(argv[4]), int(argv[5]), int(argv[6])
    _limit(max_memory, max_cpu_seconds)
    png = rasterise(sys.stdin.buffer.read(), page_number, max_width, max_height, max_scale)
    sys.stdout.buffer.write(png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
