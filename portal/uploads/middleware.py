"""Refusing oversized request bodies before Django reads them.

The declared `Content-Length` is checked against `UPLOAD_MAX_REQUEST_BYTES` for every request, so a
50 MB body is answered with 413 before the CSRF middleware or a form parses a single byte of it.
The front proxy should enforce the same limit (nginx `client_max_body_size`); this is the backstop.
Views that take one document can be stricter with `@limit_request_body(max_bytes)`.
`UploadActorMiddleware` names the requester for the per-user upload rate.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from portal.ratelimit import client_ip
from portal.uploads.limits import upload_actor

log = structlog.get_logger(__name__)

DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def request_too_large(request: HttpRequest | None = None) -> HttpResponse:
    # No request context, like the other error pages: it must render without the database.
    response = HttpResponse(render_to_string("errors/413.html"), status=413)
    response["Cache-Control"] = "no-store"
    return response


def _too_large(request: HttpRequest, limit: int) -> bool:
    length = declared_length(request)
    if length <= limit:
        return False
    log.warning("request.body_too_large", path=request.path, content_length=length, limit=limit)
    return True


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(getattr(settings, "UPLOAD_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))
        if _too_large(request, limit):
            return request_too_large(request)
        response: HttpResponse = self.get_response(request)
        return response


def limit_request_body(
    max_bytes: int,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: 413 when the declared body is larger than `max_bytes`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if _too_large(request, max_bytes):
                return request_too_large(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class UploadActorMiddleware:
    """Names who is uploading for the per-user upload rate (`portal.uploads.limits.count_upload`).

    After AuthenticationMiddleware. The key is computed only if the request uploads something: the
    signed-in user's id, or the client address for a signed-out request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = upload_actor.set(lambda: _actor_key(request))
        try:
            response: HttpResponse = self.get_response(request)
        finally:
            upload_actor.reset(token)
        return response


def _actor_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"
