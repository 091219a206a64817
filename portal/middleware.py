"""Turning "a backing service is down or saturated" into 503 + Retry-After instead of a 500.

Two layers: `ServiceUnavailableMiddleware.process_exception` covers exceptions raised by views
(also with DEBUG on), and `portal.views.errors.server_error` covers everything else that reaches
Django's 500 handler (e.g. the session middleware failing to save).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from kombu.exceptions import OperationalError as BrokerUnavailable
from psycopg_pool import PoolTimeout
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from portal.views.errors import service_unavailable

UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    PoolTimeout,
    RedisConnectionError,
    RedisTimeoutError,
    # Celery's broker (Redis) refusing a task sent before the commit, e.g. `.delay()` in a view: the
    # change is rolled back with the request, so "try again later" is the truth. After the commit,
    # sends never raise (portal/effects).
    BrokerUnavailable,
)


def is_unavailability(exc: BaseException | None) -> bool:
    """True when the error means a backing service is unreachable or out of connections."""
    if exc is None:
        return False
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return True
    # Django wraps driver errors; the pool timeout can arrive as the cause of a DatabaseError.
    return isinstance(exc, DatabaseError) and isinstance(exc.__cause__, UNAVAILABLE_ERRORS)


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_unavailability(exception):
            return service_unavailable(request)
        return None


class LanguageMiddleware:
    """Indonesian unless the visitor chose English with the language switcher.

    Unlike Django's LocaleMiddleware this ignores `Accept-Language`: many participants' phones are set
    to English, yet the portal's audience reads Indonesian first. The choice lives in the language
    cookie set by `set_language`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response: HttpResponse = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, ("Cookie",))
        return response
