"""The URL fetcher WeasyPrint uses for our PDFs (a module of its own so `portal.pdf` can import
WeasyPrint lazily)."""

from __future__ import annotations

from typing import Any

from weasyprint.urls import URLFetcher

from portal.pdf import ASSETS


class LocalAssetsFetcher(URLFetcher):
    """Fetches only files inside `pdf_assets/`: a template can never make the worker call out."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith(ASSETS.as_uri() + "/"):
            raise ValueError(f"PDF rendering may not fetch {url!r}")
        return super().fetch(url, headers)
