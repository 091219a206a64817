"""Error pages that never touch the database, so they render while PostgreSQL or Redis is down."""

from __future__ import annotations

import sys

import structlog
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = structlog.get_logger(__name__)

RETRY_AFTER_SECONDS = 30


def _render(template: str, status: int) -> HttpResponse:
    # No request context on purpose: context processors would read the session and the user (DB).
    return HttpResponse(render_to_string(template), status=status)


def service_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    response = _render("errors/503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render("errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render("errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render("errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    from portal.middleware import is_unavailability

    exc = sys.exc_info()[1]
    if is_unavailability(exc):
        log.warning("request.service_unavailable", error=type(exc).__name__)
        return service_unavailable(request)
    return _render("errors/500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render("errors/403_csrf.html", 403)
