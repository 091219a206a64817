"""Idle session timeout."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "accounts_last_activity"
# Writing the session on every request would cost a database write per page; a minute of slack in
# the idle clock is harmless.
_TOUCH_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    """Log a signed-in user out after SESSION_IDLE_TIMEOUT seconds without a request.

    The last-activity time lives in the session (server side), so a copied cookie does not outlive
    it either. Independent of SESSION_COOKIE_AGE, which only bounds how long the server keeps an
    untouched session row; this is the shorter inactivity limit that shared and lost phones need.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, _("Sesi Anda berakhir karena lama tidak aktif. Silakan masuk kembali.")
                )
            elif not isinstance(last, int) or now - last >= _TOUCH_EVERY_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)
