"""django-axes glue: which "username" a failed login counts against."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account email the attempt targeted.

    The portal login form has already turned an email, NIK or KPJ into an email (or into a
    placeholder for unknown logins, never the raw NIK), so lockouts are per account whatever the
    visitor typed. The admin login form posts `username` (which is the email there).
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value:
        value = request.POST.get("username", "") if request.method == "POST" else ""
    return str(value).strip().lower()
