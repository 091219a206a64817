"""The fake gateway's sandbox page (`/_dev/gateway/`): development only, 404 in production.

Each button changes the fake charge and POSTs correctly signed Midtrans-format notifications over
HTTP to our own endpoint (`PORTAL_BASE_URL`), so the real notification path runs.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contributions.gateway.fake import FakeGateway
from contributions.models import FakeCharge, Payment

ACTIONS = {"settle", "expire", "deny", "cancel", "duplicate", "out_of_order", "wrong_amount", "early"}


def _guard() -> None:
    if not settings.DEBUG:
        raise Http404


@require_http_methods(["GET"])
def sandbox(request: HttpRequest) -> HttpResponse:
    _guard()
    payments = (
        Payment.objects.filter(gateway="fake").select_related("participant").order_by("-created_at")[:50]
    )
    charges = {c.order_id: c for c in FakeCharge.objects.filter(order_id__in=[p.order_id for p in payments])}
    rows = [(p, charges.get(p.order_id)) for p in payments]
    return render(request, "contributions/dev_gateway.html", {"rows": rows})


def simulate(order_id: str, action: str, *, base_url: str | None = None) -> list[int]:
    """Apply a sandbox action; returns the HTTP statuses our endpoint answered."""
    gateway = FakeGateway.from_settings()
    charge = FakeCharge.objects.get(order_id=order_id)
    sent: list[int] = []
    if action in {"settle", "expire", "deny", "cancel"}:
        status = {"settle": "settlement", "expire": "expire", "deny": "deny", "cancel": "cancel"}[action]
        charge = gateway.set_status(order_id, status)
        sent.append(gateway.send(gateway.notification_for(charge, status), base_url=base_url))
    elif action == "duplicate":
        payload = gateway.notification_for(charge, charge.transaction_status)
        sent += [gateway.send(payload, base_url=base_url), gateway.send(payload, base_url=base_url)]
    elif action == "out_of_order":
        # The payer pays; the settlement arrives first, then the older "pending", then a stray expire.
        charge = gateway.set_status(order_id, "settlement")
        for status in ("settlement", "pending", "expire"):
            sent.append(gateway.send(gateway.notification_for(charge, status), base_url=base_url))
    elif action == "early":
        # A signed settlement while the charge is still pending (sent too early, or replayed): ignored
        # after the re-check. "Lunasi" afterwards sends the genuine one, which must be credited at once.
        sent.append(gateway.send(gateway.notification_for(charge, "settlement"), base_url=base_url))
    elif action == "wrong_amount":
        sent.append(
            gateway.send(
                gateway.notification_for(charge, "settlement", gross_amount="1.00"), base_url=base_url
            )
        )
    else:
        raise Http404
    return sent


@require_POST
def sandbox_action(request: HttpRequest, order_id: str, action: str) -> HttpResponse:
    _guard()
    if action not in ACTIONS or not FakeCharge.objects.filter(order_id=order_id).exists():
        raise Http404
    statuses = simulate(order_id, action)
    messages.info(
        request,
        _("%(action)s untuk %(order)s: endpoint menjawab %(codes)s.")
        % {"action": action, "order": order_id, "codes": ", ".join(map(str, statuses))},
    )
    return redirect("dev_gateway:sandbox")
