"""Helpers for htmx views: one template, a full page or a named partial.

Pages declare their swappable regions with Django 6 partials (`{% partialdef results inline %}`); a view
renders the whole page for normal requests and only the fragment for htmx requests, so every page
also works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse


def is_htmx_fragment_request(request: HttpRequest) -> bool:
    """True for htmx requests that expect a fragment (boosted navigation wants the full page)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def render_page_or_partial(
    request: HttpRequest,
    template_name: str,
    partial: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> TemplateResponse:
    name = f"{template_name}#{partial}" if is_htmx_fragment_request(request) else template_name
    response = TemplateResponse(request, name, context or {}, status=status)
    response["Vary"] = "HX-Request"
    return response
