"""Rendering PDFs with WeasyPrint. Only ever called from Celery tasks (never in a request thread).

Every document uses `pdf_assets/pdf.css` and the vendored Noto Sans (OFL), so output does not depend on
the fonts installed on the machine. Templates use block layout and simple tables; no external URLs are
fetched (the URL fetcher refuses anything outside `pdf_assets/`).
"""

from __future__ import annotations

import atexit
import ssl
import threading
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

# WeasyPrint is imported inside the functions, never at module level: this module is reachable from
# the URLconf (views that queue PDFs), and importing WeasyPrint takes ~1.5 s, which every web worker
# paid on its first request (tests/portal/test_pdf.py keeps it out of the web process).

ASSETS = Path(__file__).resolve().parent / "pdf_assets"


@cache
def _ssl_context() -> ssl.SSLContext:
    # URLFetcher builds an HTTPS handler even though we only fetch file: URLs; without a shared context
    # it creates (and loads CA certificates into) a new one for every PDF, ~50-90 ms of CPU each.
    return ssl.create_default_context()


_per_thread = threading.local()


@atexit.register
def _drop_main_thread_assets() -> None:
    # FontConfiguration.__del__ deletes its temporary font folder. Left to interpreter shutdown (the
    # main thread's locals go last), it runs after `shutil` is torn down: "Exception ignored ...
    # 'NoneType' object is not callable" on stderr and a weasyprint-* folder left in /tmp per process.
    # Other threads' assets go when their thread ends, while the interpreter is still whole.
    _per_thread.__dict__.pop("assets", None)


def _fetcher() -> Any:
    from portal.pdf_fetcher import LocalAssetsFetcher

    return LocalAssetsFetcher(allowed_protocols={"file"}, ssl_context=_ssl_context())


def _fonts_and_stylesheet() -> tuple[Any, Any]:
    """One FontConfiguration and parsed base stylesheet per thread, reused for every document.

    Building them per document parsed pdf.css and loaded both @font-face fonts each time (~20 ms of
    a receipt's ~160 ms, bench/README.md). WeasyPrint allows reusing a FontConfiguration across
    documents; Pango objects are not shared between threads, hence per thread.
    """
    cached = getattr(_per_thread, "assets", None)
    if cached is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()  # without it @font-face rules are ignored
        stylesheet = CSS(filename=str(ASSETS / "pdf.css"), url_fetcher=_fetcher(), font_config=fonts)
        cached = _per_thread.assets = (fonts, stylesheet)
    return cached


def render_document(template_name: str, context: dict[str, Any], **options: Any) -> Any:
    """Lay out a Django template with the project's base stylesheet and font: a WeasyPrint `Document`.

    Tests inspect its layout boxes (e.g. that no table cell overflows); `render_pdf` writes it out.
    """
    from weasyprint import HTML

    fonts, stylesheet = _fonts_and_stylesheet()
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=_fetcher())
    return document.render(stylesheets=[stylesheet], font_config=fonts, **options)


def render_pdf(template_name: str, context: dict[str, Any], **options: Any) -> bytes:
    """Render a Django template to PDF bytes with the project's base stylesheet and font."""
    # Like WeasyPrint's HTML.write_pdf: the options go to both the layout and the writer.
    pdf: bytes = render_document(template_name, context, **options).write_pdf(**options)
    return pdf
