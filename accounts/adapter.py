"""allauth adapter: no open signup, Indonesian generic errors, safe post-login redirects."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.security_events import account_frozen, frozen_branch


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

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        """A frozen account ("Bukan saya", accounts/security_events.py) never logs in, whatever
        the password: the page says which branch restores it. Checked after the password, so it
        tells nothing to someone who does not know it."""
        if account_frozen(user=user):
            clear_login(request)
            return frozen_response(request, user)
        return super().pre_login(request, user, **kwargs)


def frozen_response(request: HttpRequest, user: Any) -> HttpResponse:
    return render(request, "accounts/frozen.html", {"branch": frozen_branch(user=user)}, status=403)
