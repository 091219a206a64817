"""What every request to the staff admin goes through.

1. Staff must hold a TOTP authenticator and have used it in this session (allauth.mfa records it when
   the login's second step succeeds). A staff account without TOTP is sent to set it up; a session that
   signed in with the password only is ended and sent back to the login, which now asks for the code.
   The password step itself is allauth's login (login throttle included): the admin's own login
   page only redirects there (backoffice.views.admin_login).
2. The admin gets its own Content-Security-Policy (ADMIN_CSP): django-unfold's Alpine.js build evaluates
   expressions with `new Function` ('unsafe-eval') and its templates carry inline <style> blocks
   ('unsafe-inline' for styles only). Scripts stay limited to our own origin: no inline scripts. Every
   other page keeps the strict SECURE_CSP.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _

ADMIN_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}


def admin_prefix() -> str:
    return "/" + settings.ADMIN_URL.lstrip("/")


def session_used_totp(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def has_totp(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffAdminMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefix = admin_prefix()
        if not request.path.startswith(prefix):
            return self.get_response(request)
        response = self._gate(request, prefix) or self.get_response(request)
        if not hasattr(response, "_csp_config"):
            response._csp_config = ADMIN_CSP  # type: ignore[attr-defined]
        return response

    def _gate(self, request: HttpRequest, prefix: str) -> HttpResponse | None:
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None  # the admin itself sends anonymous users and non-staff to its login
        if request.path in (prefix + "login/", prefix + "logout/"):
            return None
        if not has_totp(user):
            messages.warning(
                request, _("Akun petugas wajib memakai kode autentikator (TOTP). Aktifkan terlebih dahulu.")
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if not session_used_totp(request):
            logout(request)
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
        return None
