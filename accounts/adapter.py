"""allauth adapter: no open signup, Indonesian generic errors, safe post-login redirects."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _


class PortalAccountAdapter(DefaultAccountAdapter):
    """Accounts come only from activation (a participant must already be known to BPJS)."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # One message for every failed login, whatever was typed (email, NIK or KPJ).
        "email_password_mismatch": _(
            "Email/NIK/nomor KPJ atau kata sandi salah. Periksa kembali lalu coba lagi."
        ),
        "invalid_login": _("Email/NIK/nomor KPJ atau kata sandi salah. Periksa kembali lalu coba lagi."),
        "too_many_login_attempts": _("Terlalu banyak percobaan masuk. Coba lagi nanti."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Staff land on the back office after password + TOTP, participants on their dashboard. A `next`
        the login form carried still wins (allauth checks it before asking the adapter)."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return resolve_url("admin:index")
        return super().get_login_redirect_url(request)
