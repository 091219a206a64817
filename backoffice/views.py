"""The admin's login page: staff sign in through allauth (password, then TOTP, login throttle)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from backoffice.middleware import admin_prefix


def admin_login(request: HttpRequest) -> HttpResponseRedirect:
    """Replace the admin's own password form (which has no second factor) by allauth's login."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    query = urlencode({"next": target or admin_prefix()})
    return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
