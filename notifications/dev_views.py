"""The SMS sandbox (`/_dev/sms/`): development only, 404 in production.

Lists the SMS outbox and the inbound messages, and sends an inbound message through the real
webhook view (secret header included), as the provider would.
"""

from __future__ import annotations

import json
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.test import RequestFactory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from notifications.models import Channel, InboundSms, Outbox
from notifications.webhooks import sms_inbound


class InboundForm(forms.Form):
    sender = forms.CharField(label=gettext_lazy("Dari nomor"), max_length=20, initial="081234567890")
    text = forms.CharField(
        label=gettext_lazy("Isi SMS"), max_length=320, widget=forms.Textarea(attrs={"rows": 2})
    )


def _guard() -> None:
    if not settings.DEBUG:
        raise Http404


def simulate_inbound(*, sender: str, text: str) -> tuple[int, str]:
    """Run the webhook view with a provider-like JSON request; returns (status, body)."""
    payload = {"from": sender, "text": text, "message_id": f"dev-{uuid.uuid4().hex}"}
    request = RequestFactory().post(
        "/sms/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"X-SMS-Secret": settings.SMS_INBOUND_SECRET},
    )
    response = sms_inbound(request)
    return response.status_code, response.content.decode()


@require_http_methods(["GET", "POST"])
def sandbox(request: HttpRequest) -> HttpResponse:
    _guard()
    form = InboundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        status, body = simulate_inbound(sender=form.cleaned_data["sender"], text=form.cleaned_data["text"])
        messages.info(request, _("Endpoint menjawab %(status)s %(body)s.") % {"status": status, "body": body})
        return redirect("dev_sms:sandbox")
    outbox = Outbox.objects.filter(channel=Channel.SMS).order_by("-created_at")[:50]
    inbound = InboundSms.objects.order_by("-received_at")[:20]
    return render(request, "notifications/dev_sms.html", {"form": form, "outbox": outbox, "inbound": inbound})
