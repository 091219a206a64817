"""Views of the payments area: the gateway notification endpoint, receipt download and the public
receipt check. The participant-facing "bayar iuran" pages call `services`/`selectors` and live elsewhere."""

from __future__ import annotations

import uuid

import structlog
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from contributions.receipts import receipt_from_token, receipt_is_valid
from contributions.selectors import receipt_get_for_user
from contributions.webhooks import MAX_BODY_BYTES, handle_midtrans_notification
from portal.db_router import replica_reads
from portal.masking import mask_name

log = structlog.get_logger(__name__)


@csrf_exempt  # authenticated by the signature, not by a session
@require_POST
def midtrans_notification(request: HttpRequest) -> JsonResponse:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        log.warning("notification.oversized", size=declared)
        return JsonResponse({"status": "malformed"}, status=400)
    result = handle_midtrans_notification(request.body)
    return JsonResponse({"status": result.outcome}, status=result.http_status)


@login_required
@require_GET
@never_cache
def receipt_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    receipt = receipt_get_for_user(user=request.user, payment_public_id=public_id)  # type: ignore[arg-type]
    if not receipt.pdf:
        return render(request, "contributions/receipt_pending.html", {"receipt": receipt}, status=202)
    response = FileResponse(
        receipt.pdf.open("rb"),
        as_attachment=True,
        filename=f"bukti-{receipt.number.replace('/', '-')}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@replica_reads
@require_GET
def receipt_verify(request: HttpRequest, token: str) -> HttpResponse:
    receipt = receipt_from_token(token)
    context: dict[str, object] = {"valid": False}
    if receipt is not None:
        context = {
            "valid": receipt_is_valid(receipt),
            "found": True,
            "number": receipt.number,
            "amount_idr": receipt.snapshot["total_idr"],
            "paid_at": receipt.snapshot["paid_at"],
            "masked_name": mask_name(receipt.snapshot["payer"]),
        }
    response = render(request, "contributions/receipt_verify.html", context, status=200 if receipt else 404)
    response["X-Robots-Tag"] = "noindex"
    return response
