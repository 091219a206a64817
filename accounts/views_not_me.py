"""The "Bukan saya" link of a security notice: GET shows what happened and asks to confirm (it never
changes anything: mail scanners and link previews open links), POST freezes the account."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.security_events import RecoveryError, security_event_disown, security_event_for_token


@never_cache
@require_http_methods(["GET", "POST"])
def not_me(request: HttpRequest, token: str) -> HttpResponse:
    """One page for the link; a tampered, unknown or expired token shows why and changes nothing."""
    try:
        event = security_event_for_token(token)
    except RecoveryError as error:
        return render(request, "accounts/not_me_invalid.html", {"reason": error.reason}, status=400)
    if request.method == "POST":
        case = security_event_disown(token=token, language=translation.get_language() or "id")
        return render(request, "accounts/not_me_done.html", {"branch": case.branch})
    return render(request, "accounts/not_me.html", {"event": event})
