"""The owner's confirmation link for binding a phone to the SMS balance service: GET shows which phone
asks (masked) and changes nothing; POST binds it (notifications/sms_binding.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from notifications.sms_binding import BindingError, sms_binding_confirm, sms_binding_request_for_token
from participants.contacts import mask_phone


@never_cache
@require_http_methods(["GET", "POST"])
def binding_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pending = sms_binding_request_for_token(token)
        if request.method == "POST":
            sms_binding_confirm(token=token, language=translation.get_language() or "id")
            return render(
                request, "notifications/sms_binding_done.html", {"phone": mask_phone(pending.phone)}
            )
    except BindingError as error:
        return render(request, "notifications/sms_binding_invalid.html", {"reason": error.reason}, status=400)
    context = {"phone": mask_phone(pending.phone), "kpj": pending.participant.kpj}
    return render(request, "notifications/sms_binding_confirm.html", context)
