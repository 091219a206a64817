"""allauth adapter: no open signup, Indonesian generic errors, safe post-login redirects."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
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
